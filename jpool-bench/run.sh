#!/usr/bin/env bash
# jpool benchmarks, one command: builds, runs JMH (jpool vs the JDK executors, the process pool vs
# the raw Unix-socket floor) and the Python peers, then writes target/report.md and report.json.
#
#   jpool-bench/run.sh smoke   ~1-2 min: one short iteration each, to test the script
#   jpool-bench/run.sh quick   ~12 min on 2 cores: 1 fork, 5 warm-up + 5 measured iterations of 1 s (2 s of warm-up
#                              left JDK 25's thread throughput and the process maps still rising); process maps of
#                              1M items (50k with chunksize 1, where each item is a round trip). The report
#                              names every JMH result whose iterations still drift (not at a steady state).
#   jpool-bench/run.sh full    long: 2 forks, 5 + 10 iterations, 1M-item maps, Python at full size
# Each profile also runs the thread throughput workload as paired rounds in one JVM
# (PairedThroughput: 1, 12 or 60 s per submitter count), where the VM's swings hit every executor alike,
# and as a plain program would (PlainHarness: Callables through the ExecutorService interface, default heap).
# Then the adaptive suite (AdaptiveSuite, issue 18: adaptive() against fixed sizes and the peers on
# five workloads, ~3 min in quick, starvation only in smoke) writes the report's "Adaptive" section
# and its plots, target/adaptive-*.svg (their samples: adaptive-*.csv); BENCH_SKIP_ADAPTIVE=1 skips it.
#
# JAVA_HOME picks the JDK the benchmarks run on (default: `java` on PATH); virtual threads are
# measured on 21+ only. Extra arguments go to JMH, e.g. `run.sh quick ThreadThroughput -prof jfr`
# (a benchmark regex there replaces the default selection). BENCH_SKIP_PYTHON=1 skips the peers.
# The process-pool benchmarks run only if a probe can run a task in a ProcessPool; otherwise the
# report says they were skipped and why.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
profile=${1:-quick}
shift || true
case "$profile" in
    smoke) jmh_opts=(-f 1 -wi 1 -w 500ms -i 1 -r 500ms -p items=20000 -p itemsAtChunksize1=20000); paired_s=1
           adaptive_opts=(--quick --only starvation) ;;
    quick) jmh_opts=(-f 1 -wi 5 -w 1s -i 5 -r 1s -p items=1000000 -p itemsAtChunksize1=50000); paired_s=12
           adaptive_opts=(--quick) ;;
    full)  jmh_opts=(-f 2 -wi 5 -w 2s -i 10 -r 2s -p items=1000000); paired_s=60; adaptive_opts=(--full) ;;
    *) echo "usage: $0 smoke|quick|full [JMH options]" >&2; exit 2 ;;
esac
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; else java=$(command -v java); fi
jdk=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | tr -d ' ')
jdk_full=$("$java" -version 2>&1 | head -1)
out="$here/target"
mkdir -p "$out"
start=$(date +%s)
load_before=$(cut -d' ' -f1 /proc/loadavg)

echo "== build (JDK $jdk) ($(( $(date +%s) - start )) s) =="
(cd "$root" && mvn -B -ntp -q -pl jpool-bench -am package -DskipTests \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
# jars only (the bench's own jar, not target/classes): worker JVMs then get a class-data archive
jar=$(ls "$here"/target/jpool-bench-*.jar | head -1)
cp="$jar:$(cat "$here/target/classpath.txt")"

executors=jpool,tpe,fjp
skips=()
if [ "$jdk" -ge 21 ]; then executors=$executors,vthreads; else skips+=(--skip "vthreads=needs JDK 21+ (this run: $jdk)"); fi

echo "== probe: can a ProcessPool run a task? ($(( $(date +%s) - start )) s) =="
set +e
probe=$(timeout 120 "$java" -cp "$cp" io.jpool.bench.ProcessPools 2>&1 | tail -1)
probe_rc=$?
set -e
echo "$probe"
benches='io.jpool.bench.(Thread.*|UdsPingPong)Bench'
if [ "$probe_rc" -eq 0 ]; then
    benches='io.jpool.bench.(Thread.*|UdsPingPong|Process.*|ManagerRoundTrip)Bench'
else
    skips+=(--skip "pp=ProcessPool benchmarks skipped: ${probe//|/ }")
fi
user_args=("$@")
if [ ${#user_args[@]} -gt 0 ] && [[ "${user_args[0]}" != -* ]]; then benches=${user_args[0]}; user_args=("${user_args[@]:1}"); fi

echo "== JMH $profile: $benches ($(( $(date +%s) - start )) s) =="
"$java" -cp "$cp" org.openjdk.jmh.Main "$benches" "${jmh_opts[@]}" -p executor=$executors -foe false \
    -rf json -rff "$out/jmh.json" "${user_args[@]}" | tee "$out/jmh.log"

echo "== paired rounds of the thread throughput workload, ${paired_s} s each ($(( $(date +%s) - start )) s) =="
"$java" -Xms2g -Xmx2g -cp "$cp" io.jpool.bench.PairedThroughput "$paired_s" jpool,tpe,fjp > "$out/paired.json"
cat "$out/paired.json"

# The first executor in a plain JVM pays for the heap's growth (more young collections), so the
# harness runs twice: jpool first (its worst place, the order a user tried) and jpool last.
echo "== plain harness: 1M Callables through ExecutorService, default heap, 2+7 rounds, jpool first ($(( $(date +%s) - start )) s) =="
"$java" -cp "$cp" io.jpool.bench.PlainHarness callable jpool,tpe,fjp > "$out/plain.json"
cat "$out/plain.json"
echo "== the same, jpool last ($(( $(date +%s) - start )) s) =="
"$java" -cp "$cp" io.jpool.bench.PlainHarness callable fjp,tpe,jpool \
    | sed -e 's/"tp.plain_callable_\([12]\)sub"/"tp.plain_callable_\1sub_jpool_last"/g' > "$out/plain-last.json"
cat "$out/plain-last.json"
if [ "$probe_rc" -eq 0 ]; then
    echo "== an idle worker's memory, beside Python's spawn worker ($(( $(date +%s) - start )) s) =="
    "$java" -cp "$cp" io.jpool.bench.WorkerMemory > "$out/memory.json" || echo '{"results": {}}' > "$out/memory.json"
    cat "$out/memory.json"
else
    echo '{"results": {}}' > "$out/memory.json"
fi
echo "== plain harness: CompletableFuture chains through the executor ($(( $(date +%s) - start )) s) =="
"$java" -cp "$cp" io.jpool.bench.PlainHarness completable jpool,tpe,fjp > "$out/plain-completable.json"
cat "$out/plain-completable.json"

adaptive_args=()
if [ "${BENCH_SKIP_ADAPTIVE:-0}" != 1 ]; then
    echo "== adaptive suite ${adaptive_opts[*]} ($(( $(date +%s) - start )) s) =="
    rm -f "$out"/adaptive.json "$out"/adaptive-*.svg "$out"/adaptive-*.csv
    "$java" -cp "$cp" io.jpool.bench.AdaptiveSuite "${adaptive_opts[@]}" --out "$out" || echo "adaptive suite failed: see above"
    adaptive_args=(--adaptive "$out/adaptive.json")
fi

if [ "${BENCH_SKIP_PYTHON:-0}" = 1 ]; then
    echo '{"results": {}}' > "$out/peers.json"
else
    echo "== Python peers ($profile) ($(( $(date +%s) - start )) s) =="
    python3 "$here/python/peers.py" --profile "$profile" > "$out/peers.json"
fi

echo "== report ($(( $(date +%s) - start )) s) =="
python3 "$here/report.py" --jmh "$out/jmh.json" --peers "$out/peers.json" --peers "$out/paired.json" --peers "$out/plain.json" --peers "$out/plain-last.json" --peers "$out/plain-completable.json" --peers "$out/memory.json" --out "$out/report" \
    --profile "$profile" --java "$jdk_full" --command "jpool-bench/run.sh $profile $*" \
    --load "$load_before -> $(cut -d' ' -f1 /proc/loadavg)" "${skips[@]}" "${adaptive_args[@]}" > /dev/null
cat "$out/report.md"
echo "== done in $(( $(date +%s) - start )) s: $out/report.md, $out/report.json (plots: $out/adaptive-*.svg) =="
