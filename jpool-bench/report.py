#!/usr/bin/env python3
"""Builds jpool-bench/target/report.md and report.json from a JMH JSON result and peers.py's JSON.

How it works: every JMH result is mapped to a workload key and a column ("jpool", "tpe", "fjp",
"vthreads", "floor_uds", "floor_uds_polling"), taking the MEDIAN of its measurement iterations (all forks) as the
figure; peers.py already reports medians. Then one row is written per (workload, peer) with the
ratio "jpool's advantage" (peer/jpool for times, jpool/peer for rates: > 1 means jpool is
better) and, where DESIGN.md sets one, the target and whether it is met. With --adaptive, the
adaptive suite's JSON (AdaptiveSuite: one section per workload with its rows, a verdict per issue-18
target and the name of an SVG plot beside the report) becomes the report's "Adaptive" section.
Stdlib only.
"""
import argparse
import datetime
import json
import re
import os
import statistics

# workload -> (title, unit, lower_is_better)
WORKLOADS = {
    "tp.latency_us": ("ThreadPool submit-to-get of a no-op", "us", True),
    "tp.throughput_1sub": ("ThreadPool 1M no-ops, 1 submitting thread", "tasks/s", False),
    "tp.throughput_2sub": ("ThreadPool 1M no-ops, 2 submitting threads", "tasks/s", False),
    "tp.paired_1sub": ("ThreadPool 1M no-ops, 1 submitting thread, paired rounds in one JVM", "tasks/s", False),
    "tp.paired_2sub": ("ThreadPool 1M no-ops, 2 submitting threads, paired rounds in one JVM", "tasks/s", False),
    "tp.plain_callable_1sub": ("ThreadPool 1M no-op Callables via ExecutorService, 1 submitter, plain harness", "tasks/s", False),
    "tp.plain_callable_2sub": ("ThreadPool 1M no-op Callables via ExecutorService, 2 submitters, plain harness", "tasks/s", False),
    "tp.plain_callable_1sub_jpool_last": ("same, 1 submitter, plain harness with jpool run last", "tasks/s", False),
    "tp.plain_callable_2sub_jpool_last": ("same, 2 submitters, plain harness with jpool run last", "tasks/s", False),
    "tp.plain_completable_1sub": ("ThreadPool CompletableFuture chains (supplyAsync, thenApplyAsync), 1 submitter, plain harness", "tasks/s", False),
    "tp.plain_completable_2sub": ("same chains, 2 submitters, plain harness", "tasks/s", False),
    "tp.map": ("ThreadPool map of 100k tiny items (chunksize 1)", "items/s", False),
    "pp.roundtrip_us": ("ProcessPool tiny-task round trip", "us", True),
    "pp.map_c1": ("ProcessPool map, chunksize 1", "items/s", False),
    "pp.map_c100": ("ProcessPool map, chunksize 100", "items/s", False),
    "pp.map_c1000": ("ProcessPool map, chunksize 1000", "items/s", False),
    "pp.bytes_1mib_ms": ("ProcessPool 1 MiB byte[] arg+result round trip", "ms", True),
    "pp.startup_ms": ("ProcessPool of 2, build() to first result", "ms", True),
    "pp.manager_op_us": ("Manager proxy operation from a worker (vs the tiny-task round trip)", "us", True),
    "pp.worker_rss_mib": ("ProcessPool idle worker's memory (VmRSS of the largest of 2)", "MiB", True),
    "pp.worker_pss_mib": ("same, Pss (shared pages split among the processes that map them)", "MiB", True),
    "pp.pool_rss_mib": ("ProcessPool of 2, idle: VmRSS of its workers summed", "MiB", True),
}

# a column made of the better of several (the conservative comparison): name -> its members
BEST_OF = {"best_py_ppe": ("py_ppe_fork", "py_ppe_spawn"),
           "best_py_mp_pool": ("py_mp_pool_fork", "py_mp_pool_spawn"),
           "best_py_spawn": ("py_ppe_spawn", "py_mp_pool_spawn")}

# workload -> list of (peer, kind, value, text). kind "speedup": jpool's advantage over that peer
# must be >= value; "max": jpool's figure must be <= value; peer "best_py_ppe" is the faster of
# Python's ProcessPoolExecutor start methods (the conservative comparison).
TARGETS = {
    "tp.latency_us": [("tpe", "speedup", 1.0, "latency <= TPE's")],
    "tp.throughput_1sub": [("tpe", "speedup", 1.5, ">= 1.5x TPE"), ("fjp", "speedup", 1.0, ">= 1.0x FJP")],
    "tp.throughput_2sub": [("tpe", "speedup", 1.5, ">= 1.5x TPE"), ("fjp", "speedup", 1.0, ">= 1.0x FJP")],
    "tp.paired_1sub": [("tpe", "speedup", 1.5, ">= 1.5x TPE"), ("fjp", "speedup", 1.0, ">= 1.0x FJP")],
    "tp.paired_2sub": [("tpe", "speedup", 1.5, ">= 1.5x TPE"), ("fjp", "speedup", 1.0, ">= 1.0x FJP")],
    "tp.plain_callable_1sub": [("fjp", "speedup", 1.0, ">= 1.0x FJP")],
    "tp.plain_callable_2sub": [("fjp", "speedup", 1.0, ">= 1.0x FJP")],
    "tp.plain_callable_1sub_jpool_last": [("fjp", "speedup", 1.0, ">= 1.0x FJP")],
    "tp.plain_callable_2sub_jpool_last": [("fjp", "speedup", 1.0, ">= 1.0x FJP")],
    "tp.plain_completable_1sub": [("fjp", "speedup", 1.0, ">= 1.0x FJP")],
    "tp.plain_completable_2sub": [("fjp", "speedup", 1.0, ">= 1.0x FJP")],
    "pp.roundtrip_us": [("floor_uds", "speedup", 0.5, "<= 2x the raw UDS floor"),
                        ("best_py_ppe", "speedup", 5.0, ">= 5x faster than Python PPE")],
    "pp.map_c1": [("best_py_ppe", "speedup", 2.0, ">= 2x Python PPE.map"),
                  ("best_py_mp_pool", "speedup", 5.0, ">= 5x multiprocessing.Pool.imap")],
    "pp.map_c100": [("best_py_ppe", "speedup", 2.0, ">= 2x Python PPE.map")],
    "pp.map_c1000": [("best_py_ppe", "speedup", 2.0, ">= 2x Python PPE.map")],
    "pp.bytes_1mib_ms": [("jpool", "max", 2.0, "<= 2 ms")],
    "pp.startup_ms": [("py_ppe_spawn", "speedup", 1.0, "no slower than Python spawn")],
    "pp.manager_op_us": [("tiny_task", "speedup", 1 / 1.5, "<= 1.5x a tiny task's round trip")],
    "pp.worker_rss_mib": [("jpool", "max", 40.0, "<= 40 MB (issue 19)")],
}

# targets that hold only from a Java feature release on (issue 19: workers from JDK 25's AOT cache)
TARGETS_FROM_JAVA = {
    25: {"pp.startup_ms": [("best_py_spawn", "speedup", 1 / 0.6, "JDK 25+: <= 0.6x Python spawn")]},
}


def java_feature(version_text):
    """17 from 'openjdk version "17.0.15" 2025-04-15', 25 from '25.0.3'; 0 if unknown."""
    m = re.search(r'(?:version ")?(\d+)', version_text or "")
    return int(m.group(1)) if m else 0


def add_java_targets(feature):
    for since, more in TARGETS_FROM_JAVA.items():
        if feature >= since:
            for key, targets in more.items():
                TARGETS.setdefault(key, []).extend(targets)


# A JMH result whose measurement iterations drift by more than this (the least-squares line from
# the first iteration to the last, against their median) did not reach a steady state.
STEADY_DRIFT = 0.15


def drift(result):
    """Relative drift across a JMH result's measurement iterations (None with fewer than 3).

    The slope of the least-squares line through each fork's iterations, times the span of the
    iterations, over their median: +0.3 means the figure rose by ~30% of itself while JMH measured,
    so the warm-up did not reach a steady state (the JIT, the heap or the VM still moving). Forks
    are averaged."""
    drifts = []
    for fork in result["primaryMetric"].get("rawData", []):
        n = len(fork)
        if n < 3:
            continue
        mx = (n - 1) / 2.0
        my = sum(fork) / n
        slope = sum((i - mx) * (y - my) for i, y in enumerate(fork)) / sum((i - mx) ** 2 for i in range(n))
        med = statistics.median(fork)
        if med:
            drifts.append(slope * (n - 1) / med)
    return sum(drifts) / len(drifts) if drifts else None


# (workload, column) -> (drift, the iterations) of the JMH results that did not reach a steady state
UNSTEADY = {}


def median_score(result):
    raw = [x for fork in result["primaryMetric"].get("rawData", []) for x in fork]
    return statistics.median(raw) if raw else result["primaryMetric"]["score"]


def jmh_figure(cls, method, p, v, unit):
    """One JMH result -> (workload, column, value in the report's units), or None if unused."""
    if cls == "ThreadLatencyBench":
        return "tp.latency_us", p["executor"], to_us(v, unit)
    if cls == "ThreadThroughputBench":
        return "tp.throughput_%ssub" % p["submitters"], p["executor"], v
    if cls == "ThreadMapBench":
        return "tp.map", p["executor"], v
    if cls == "UdsPingPongBench":
        col = "floor_uds" if p.get("waiting", "blocking") == "blocking" else "floor_uds_polling"
        if p["size"] == "8":
            return "pp.roundtrip_us", col, to_us(v, unit)
        return "pp.bytes_1mib_ms", col, to_us(v, unit) / 1000
    if cls == "ProcessRoundTripBench" and method == "tinyTask":
        return "pp.roundtrip_us", "jpool", to_us(v, unit)
    if cls == "ProcessRoundTripBench" and method == "bytes1MiB":
        return "pp.bytes_1mib_ms", "jpool", to_us(v, unit) / 1000
    if cls == "ProcessMapBench":
        n = p.get("itemsAtChunksize1", p["items"]) if str(p["chunksize"]) == "1" else p["items"]
        return "pp.map_c%s" % p["chunksize"], "jpool", int(n) / (to_us(v, unit) / 1e6)
    if cls == "ProcessStartupBench":
        return "pp.startup_ms", "jpool", to_us(v, unit) / 1000
    if cls == "ManagerRoundTripBench":
        return "pp.manager_op_us", "jpool", to_us(v, unit)
    return None


def from_jmh(results):
    """JMH results -> {workload: {column: value}} in the report's units; fills UNSTEADY."""
    out = {k: {} for k in WORKLOADS}
    for r in results:
        cls, method = r["benchmark"].split(".")[-2:]
        unit = r["primaryMetric"]["scoreUnit"]
        figure = jmh_figure(cls, method, r.get("params", {}), median_score(r), unit)
        if figure is None:
            continue
        key, col, value = figure
        out[key][col] = value
        d = drift(r)
        if d is not None and abs(d) > STEADY_DRIFT:
            UNSTEADY[(key, col)] = (d, [x for fork in r["primaryMetric"]["rawData"] for x in fork], unit)
    if "jpool" in out["pp.roundtrip_us"]:
        out["pp.manager_op_us"]["tiny_task"] = out["pp.roundtrip_us"]["jpool"]
    return out


def to_us(v, unit):
    scale = {"ns/op": 1e-3, "us/op": 1.0, "ms/op": 1e3, "s/op": 1e6}
    if unit not in scale:
        raise ValueError("unexpected JMH unit " + unit)
    return v * scale[unit]


def advantage(jpool, peer, lower_is_better):
    if jpool is None or peer is None or jpool == 0 or peer == 0:
        return None
    return peer / jpool if lower_is_better else jpool / peer


def build_rows(figures, skipped):
    rows = []
    for key, (title, unit, lower) in WORKLOADS.items():
        cols = dict(figures.get(key, {}))
        targets = {t[0]: t for t in TARGETS.get(key, [])}
        best_names = {}
        for best_col, members in BEST_OF.items():
            found = [(cols[n], n) for n in members if n in cols]
            if found and best_col in targets:
                best = min(found) if lower else max(found)
                cols[best_col] = best[0]
                best_names[best_col] = best[1]
        jp = cols.get("jpool")
        peers = [c for c in cols if c != "jpool" and c not in BEST_OF]
        peers += [t for t in targets if t not in peers and t != "jpool"]
        for peer in peers:
            pv = cols.get(peer)
            row = {"workload": key, "title": title, "unit": unit, "jpool": jp, "peer": peer,
                   "peer_value": pv, "jpool_advantage": advantage(jp, pv, lower),
                   "target": None, "met": None}
            if peer in BEST_OF:
                row["peer"] = "%s (%s)" % (peer, best_names[peer]) if peer in best_names else peer
            row["unsteady"] = [c for c in ("jpool", row_col(peer, best_names)) if (key, c) in UNSTEADY]
            t = targets.get(peer)
            if t:
                row["target"] = t[3]
                if row["jpool_advantage"] is not None:
                    row["met"] = row["jpool_advantage"] >= t[2]
            rows.append(row)
        if "jpool" in targets:
            t = targets["jpool"]
            rows.append({"workload": key, "title": title, "unit": unit, "jpool": jp, "peer": "(absolute)",
                         "peer_value": t[2], "jpool_advantage": advantage(jp, t[2], lower),
                         "target": t[3], "met": None if jp is None else jp <= t[2],
                         "unsteady": ["jpool"] if (key, "jpool") in UNSTEADY else []})
        for row in rows:
            if row["workload"] == key and row["jpool"] is None:
                row["note"] = skipped.get(key.split(".")[0], "not measured")
    return rows


def row_col(peer, best_names):
    """The figure column a row's peer value came from (a best-of row names its member)."""
    return best_names.get(peer, peer)


def fmt(v):
    if v is None:
        return "n/a"
    if abs(v) >= 100000:
        return "{:,.0f}".format(v)
    if abs(v) >= 100:
        return "{:.0f}".format(v)
    if abs(v) >= 10:
        return "{:.1f}".format(v)
    return "{:.2f}".format(v)


def to_markdown(meta, rows):
    lines = ["# jpool benchmark report", ""]
    lines.append("Profile **%s**, %s. Java: %s. Python: %s. %s CPUs." % (
        meta["profile"], meta["date"], meta["java"], meta.get("python") or "not run", meta.get("cpus", "?")))
    lines.append("")
    lines.append("Figures are medians of the measurement iterations (JMH) or of repeats (Python). "
                 "*jpool advantage* = peer/jpool for times, jpool/peer for rates: above 1 means jpool is "
                 "better. Targets are DESIGN.md's. Command: `%s`." % meta["command"])
    if meta.get("load"):
        lines.append("")
        lines.append("Load average (1 min) before -> after the run: %s. Anything above ~0.3 means other "
                     "processes shared the 2 CPUs and the figures are disturbed." % meta["load"])
    for k, v in meta.get("skipped", {}).items():
        lines.append("")
        lines.append("**Not measured (%s):** %s" % (k, v))
    lines += ["", "| workload | unit | jpool | peer | peer value | jpool advantage | target | met? |",
              "|---|---|---:|---|---:|---:|---|---|"]
    for r in rows:
        met = "n/a" if r["met"] is None else ("**yes**" if r["met"] else "**NO**")
        if r.get("unsteady") and r["met"] is not None:
            met += " (not steady: %s)" % ", ".join(r["unsteady"])
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["title"], r["unit"], fmt(r["jpool"]), r["peer"], fmt(r["peer_value"]),
            "n/a" if r["jpool_advantage"] is None else "%.2fx" % r["jpool_advantage"],
            r["target"] or "", met))
    met = [r for r in rows if r["met"] is not None]
    lines += ["", "Targets met: %d of %d measured (%d not measurable yet)." % (
        sum(1 for r in met if r["met"]), len(met), sum(1 for r in rows if r["target"] and r["met"] is None))]
    lines += ["", "Steady state: JMH's figures above are medians of its measurement iterations. %s" % (
        "Every JMH result used by a verdict stayed within %d%% of itself across them." % (STEADY_DRIFT * 100)
        if not UNSTEADY else
        "These drifted by more than %d%% of themselves across them (the least-squares line from the first "
        "to the last), so the warm-up did not reach a steady state and their medians understate or overstate "
        "the settled figure; a row marked *not steady* rests on one of them:" % (STEADY_DRIFT * 100))]
    for (key, col), (d, its, unit) in sorted(UNSTEADY.items()):
        lines.append("- %s, %s: %+.0f%% (iterations %s %s)" % (
            WORKLOADS[key][0] if key in WORKLOADS else key, col, d * 100, ", ".join(fmt(x) for x in its), unit))
    lines += ["", "Peers: tpe = `ThreadPoolExecutor` (fixed, LinkedBlockingQueue), fjp = `ForkJoinPool`, "
              "vthreads = virtual thread per task (JDK 21+), py_tpe = Python `ThreadPoolExecutor`, "
              "py_ppe_* = Python `ProcessPoolExecutor` (start method), py_mp_pool_* = `multiprocessing.Pool`, "
              "floor_uds = raw ping-pong between two JVMs over a Unix domain socket (8 B / 1 MiB) with blocking reads "
              "(DESIGN.md's floor), floor_uds_polling = the same with both ends polling in a busy loop (the channel's "
              "limit with no wake-up in it; jpool's workers poll between tasks, its caller's reader blocks). "
              "All pools have 2 workers."]
    return "\n".join(lines) + "\n"


def adaptive_markdown(adaptive):
    """The adaptive suite's sections as Markdown: a table per workload, its verdicts, its plot."""
    if not adaptive:
        return ""
    lines = ["", "## Adaptive (issue 18)", "", adaptive.get("header", "")]
    met = total = 0
    for sec in adaptive.get("sections", []):
        lines += ["", "### " + sec["title"], "",
                  "| pool | tasks/s | % of best fixed | mean threads, 2nd half | peak running | mean task ms | note |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for r in sec["rows"]:
            pct = r.get("pct_of_best")
            peak = r.get("peak_running")
            lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                r["name"], opt(r.get("tasks_per_s")), "" if pct is None else "%.0f%%" % pct,
                opt(r.get("mean_threads")), "" if peak is None or peak < 0 else peak, opt(r.get("mean_task_ms")),
                r.get("note") or ""))
        lines.append("")
        for v in sec["verdicts"]:
            total += 1
            met += 1 if v["met"] else 0
            lines.append("- target %s: %s -> **%s**" % (v["target"], v["measured"], "met" if v["met"] else "MISSED"))
        if sec.get("svg"):
            lines += ["", "![threads over time: %s](%s)" % (sec["key"], sec["svg"])]
    lines += ["", "Adaptive targets met: %d of %d." % (met, total)]
    return "\n".join(lines) + "\n"


def opt(v):
    return "" if v is None else fmt(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jmh", required=True)
    ap.add_argument("--peers", required=True, action="append",
                    help="a JSON of {'results': {workload: {column: value}}}; repeatable (peers.py, PairedThroughput)")
    ap.add_argument("--out", required=True, help="path without extension; .md and .json are written")
    ap.add_argument("--profile", default="?")
    ap.add_argument("--java", default="?")
    ap.add_argument("--command", default="jpool-bench/run.sh")
    ap.add_argument("--load", default="", help="load averages seen before/after the run, e.g. '0.1 -> 4.3'")
    ap.add_argument("--skip", action="append", default=[], help="section=reason, e.g. pp=ProcessPool not implemented")
    ap.add_argument("--adaptive", help="AdaptiveSuite's adaptive.json (its SVGs beside --out)")
    args = ap.parse_args()
    try:
        with open(args.jmh) as f:
            jmh = json.load(f)
    except (OSError, ValueError):
        jmh = []
    figures = from_jmh(jmh)
    add_java_targets(java_feature(args.java))
    peers = {}  # the first file's python and cpus that has them
    for path in args.peers:
        try:
            with open(path) as f:
                more = json.load(f)
        except (OSError, ValueError):
            continue
        for key, cols in more.get("results", {}).items():
            figures.setdefault(key, {}).update({c: v for c, v in cols.items() if c != "rounds"})
        for k in ("python", "cpus"):
            peers[k] = peers.get(k) or more.get(k)
    skipped = dict(s.split("=", 1) for s in args.skip)
    rows = build_rows(figures, skipped)
    meta = {"profile": args.profile, "java": args.java, "python": peers.get("python"), "cpus": peers.get("cpus") or os.cpu_count(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "command": args.command, "skipped": skipped, "load": args.load}
    adaptive = None
    if args.adaptive:
        try:
            with open(args.adaptive) as f:
                adaptive = json.load(f)
        except (OSError, ValueError) as e:
            adaptive = {"header": "**Not measured:** the adaptive suite left no readable result (%s)." % e, "sections": []}
    markdown = to_markdown(meta, rows) + adaptive_markdown(adaptive)
    with open(args.out + ".md", "w") as f:
        f.write(markdown)
    with open(args.out + ".json", "w") as f:
        json.dump({"meta": meta, "figures": figures, "rows": rows, "adaptive": adaptive}, f, indent=2, sort_keys=True)
        f.write("\n")
    print(markdown)


if __name__ == "__main__":
    main()
