package io.jpool.bench;

import io.jpool.ProcessPool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * An idle worker's memory (issue 19): a {@link ProcessPool} of 2 (or {@code args[0]}) workers, with
 * the JVM options in {@code args[1..]} if any (to weigh one flag's effect), is
 * prestarted, runs one tiny task per worker, rests a second, then each worker's memory is read
 * from {@code /proc} (Linux only): {@code VmRSS} (what {@code top} shows; it counts the JVM's
 * shared library and class-data archive in every worker), {@code RssAnon} (the worker's own pages)
 * and {@code Pss} (shared pages divided among the processes that map them: the fair share). The
 * pool's total is the sum over its workers. Beside it, if {@code python3} is on the PATH, the same
 * for a worker of Python's {@code concurrent.futures.ProcessPoolExecutor(2)} with the spawn start
 * method (a fresh interpreter, as jpool's worker is a fresh JVM); {@code BENCH_SKIP_PYTHON=1} leaves it out.
 *
 * <p>Prints one JSON object on stdout in the form the report reads ({@code {"results": {workload:
 * {column: MiB}}}}, columns {@code jpool} and {@code py_ppe_spawn}) and a readable line per pool
 * on stderr. {@code run.sh} runs it with no arguments.
 */
public final class WorkerMemory {
    private static final String PYTHON = String.join("\n",
            "import concurrent.futures as cf, multiprocessing as mp, os, time",
            "def mem(p):",
            "    r = {}",
            "    for f in ('status', 'smaps_rollup'):",
            "        for l in open('/proc/%d/%s' % (p, f)):",
            "            k, _, v = l.partition(':')",
            "            if k in ('VmRSS', 'RssAnon', 'Pss'): r[k] = int(v.split()[0])",
            "    return r",
            "if __name__ == '__main__':",
            "    with cf.ProcessPoolExecutor(2, mp_context=mp.get_context('spawn')) as ex:",
            "        for f in [ex.submit(time.sleep, 0.3) for _ in range(2)]: f.result()  # two busy at once: two workers",
            "        pids = list(ex._processes)",
            "        time.sleep(1)",
            "        for p in pids: m = mem(p); print(p, m['VmRSS'], m['RssAnon'], m['Pss'])");

    private WorkerMemory() {
    }

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        String[] jvmOptions = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[0];
        List<long[]> jpool = new ArrayList<>();
        try (ProcessPool pool = ProcessPool.builder().maxWorkers(workers).jvmOptions(jvmOptions).build()) {
            pool.prestart().get(120, TimeUnit.SECONDS);
            for (int i = 0; i < workers * 2; i++) {
                pool.submit(ProcessPools.TINY).get(60, TimeUnit.SECONDS);
            }
            Thread.sleep(1000); // let the workers' start-up threads (compiler, GC) settle before reading
            for (long pid : pool.workerPids()) {
                jpool.add(memory(pid));
            }
        }
        List<long[]> python = "1".equals(System.getenv("BENCH_SKIP_PYTHON")) ? List.of() : python();
        Map<String, ToDoubleFunction<List<long[]>>> figures = new LinkedHashMap<>();
        figures.put("pp.worker_rss_mib", w -> max(w, 0));
        figures.put("pp.worker_anon_mib", w -> max(w, 1));
        figures.put("pp.worker_pss_mib", w -> max(w, 2));
        figures.put("pp.pool_rss_mib", w -> sum(w, 0));
        figures.put("pp.pool_pss_mib", w -> sum(w, 2));
        StringBuilder json = new StringBuilder("{\"results\": {");
        String sep = "";
        for (Map.Entry<String, ToDoubleFunction<List<long[]>>> f : figures.entrySet()) {
            json.append(sep).append('"').append(f.getKey()).append("\": {")
                    .append(String.format(Locale.ROOT, "\"jpool\": %.1f", f.getValue().applyAsDouble(jpool)));
            if (!python.isEmpty()) {
                json.append(String.format(Locale.ROOT, ", \"py_ppe_spawn\": %.1f", f.getValue().applyAsDouble(python)));
            }
            json.append('}');
            sep = ", ";
        }
        System.out.println(json.append("}}"));
        System.err.println(line("jpool ProcessPool(" + workers + "), JDK " + Runtime.version().feature()
                + (jvmOptions.length == 0 ? "" : ", worker options " + String.join(" ", jvmOptions)), jpool));
        System.err.println(python.isEmpty() ? "python3: not found, or its pool failed"
                : line("Python ProcessPoolExecutor(2), spawn", python));
    }

    /** VmRSS, RssAnon, Pss of {@code pid}, in KiB. */
    private static long[] memory(long pid) throws IOException {
        long[] m = new long[3];
        for (String f : List.of("status", "smaps_rollup")) {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/" + f))) {
                int colon = l.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = l.substring(0, colon);
                int i = key.equals("VmRSS") ? 0 : key.equals("RssAnon") ? 1 : key.equals("Pss") ? 2 : -1;
                if (i >= 0) {
                    m[i] = Long.parseLong(l.substring(colon + 1).replaceAll("\\D", ""));
                }
            }
        }
        return m;
    }

    /** The memory of Python's workers, or none if python3 is missing or fails. */
    private static List<long[]> python() {
        List<long[]> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder("python3", "-c", PYTHON).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                System.err.println("python3 failed: " + text);
                return List.of();
            }
            for (String l : text.strip().split("\n")) {
                String[] w = l.trim().split("\\s+");
                out.add(new long[] {Long.parseLong(w[1]), Long.parseLong(w[2]), Long.parseLong(w[3])});
            }
        } catch (IOException e) {
            return List.of(); // no python3
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private static String line(String who, List<long[]> workers) {
        return String.format(Locale.ROOT,
                "%s: worker VmRSS %.1f MiB (own %.1f, Pss %.1f); %d workers: VmRSS sum %.1f MiB, Pss sum %.1f MiB",
                who, max(workers, 0), max(workers, 1), max(workers, 2), workers.size(), sum(workers, 0),
                sum(workers, 2));
    }

    /** The largest worker's figure {@code i}, in MiB. */
    private static double max(List<long[]> workers, int i) {
        return workers.stream().mapToLong(m -> m[i]).max().orElse(0) / 1024.0;
    }

    private static double sum(List<long[]> workers, int i) {
        return workers.stream().mapToLong(m -> m[i]).sum() / 1024.0;
    }
}
