#!/usr/bin/env python3
"""Python peers of jpool's benchmarks: the same workloads on concurrent.futures and multiprocessing.

How it works: each workload runs `repeats` times after a warm-up and the median is kept, as the
JMH side does. Thread pools use 2 workers and process pools 2 processes, like the Java benches.
Process pools are measured with the spawn and fork start methods (ProcessPoolExecutor) and with
multiprocessing.Pool (fork). Counts are scaled by --profile (smoke, quick, full); rates are per
item, so runs of different sizes compare. Stdlib only. Prints one JSON object on stdout:

    {"python": "3.11.2", "profile": "quick", "cpus": 2,
     "results": {"<workload>": {"<peer>": value, ...}, ...}, "units": {"<workload>": "..."}}

Workload keys match jpool-bench/report.py.
"""
import argparse
import concurrent.futures as cf
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import threading
import time

WORKERS = 2

PROFILES = {
    #            latency n, tp tasks, map items, pp roundtrips, pp map items (c=1, c>=100), 1MiB trips, startups, repeats
    "smoke": dict(lat=2000, tasks=20000, map=10000, rt=300, pmap1=2000, pmapn=20000, big=20, starts=2, repeats=1),
    "quick": dict(lat=20000, tasks=100000, map=100000, rt=1000, pmap1=10000, pmapn=100000, big=50, starts=3, repeats=3),
    "full": dict(lat=100000, tasks=1000000, map=100000, rt=10000, pmap1=100000, pmapn=1000000, big=300, starts=5, repeats=5),
}

UNITS = {
    "tp.latency_us": "us per submit->result (lower is better)",
    "tp.throughput_1sub": "tasks/s (higher is better)",
    "tp.throughput_2sub": "tasks/s (higher is better)",
    "tp.map": "items/s (higher is better)",
    "pp.roundtrip_us": "us per tiny-task round trip (lower is better)",
    "pp.map_c1": "items/s (higher is better)",
    "pp.map_c100": "items/s (higher is better)",
    "pp.map_c1000": "items/s (higher is better)",
    "pp.bytes_1mib_ms": "ms per 1 MiB arg+result round trip (lower is better)",
    "pp.startup_ms": "ms from pool creation to first result, 2 workers (lower is better)",
}


def noop():
    return 1


def inc(x):
    return x + 1


def echo(b):
    return b


def median_of(repeats, fn):
    return statistics.median(fn() for _ in range(repeats))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ thread pool

def tp_latency(ex, n):
    for _ in range(n // 10):
        ex.submit(noop).result()
    t = time.perf_counter()
    for _ in range(n):
        ex.submit(noop).result()
    return (time.perf_counter() - t) / n * 1e6


def tp_throughput(ex, n, submitters):
    futures = [None] * n

    def submit_range(a, b):
        s = ex.submit
        for i in range(a, b):
            futures[i] = s(noop)

    t = time.perf_counter()
    if submitters == 1:
        submit_range(0, n)
    else:
        helper = threading.Thread(target=submit_range, args=(n // 2, n))
        helper.start()
        submit_range(0, n // 2)
        helper.join()
    for f in futures:
        f.result()
    return n / (time.perf_counter() - t)


def tp_map(ex, n):
    t = time.perf_counter()
    for _ in ex.map(inc, range(n)):
        pass
    return n / (time.perf_counter() - t)


def thread_peers(p, out):
    with cf.ThreadPoolExecutor(max_workers=WORKERS) as ex:
        log("thread pool: latency")
        out["tp.latency_us"]["py_tpe"] = median_of(p["repeats"], lambda: tp_latency(ex, p["lat"]))
        log("thread pool: throughput, 1 and 2 submitters")
        tp_throughput(ex, p["tasks"] // 10, 1)
        out["tp.throughput_1sub"]["py_tpe"] = median_of(p["repeats"], lambda: tp_throughput(ex, p["tasks"], 1))
        out["tp.throughput_2sub"]["py_tpe"] = median_of(p["repeats"], lambda: tp_throughput(ex, p["tasks"], 2))
        log("thread pool: map")
        out["tp.map"]["py_tpe"] = median_of(p["repeats"], lambda: tp_map(ex, p["map"]))


# ------------------------------------------------------------------ process pools

class PPE:
    """concurrent.futures.ProcessPoolExecutor with one start method."""

    def __init__(self, method):
        self.method = method
        self.name = "py_ppe_" + method

    def create(self):
        return cf.ProcessPoolExecutor(max_workers=WORKERS, mp_context=mp.get_context(self.method))

    @staticmethod
    def call(pool, fn, arg=None):
        return pool.submit(fn).result() if arg is None else pool.submit(fn, arg).result()

    @staticmethod
    def map(pool, fn, items, chunksize):
        for _ in pool.map(fn, items, chunksize=chunksize):
            pass

    @staticmethod
    def close(pool):
        pool.shutdown(wait=True)


class MPPool:
    """multiprocessing.Pool with one start method."""

    def __init__(self, method):
        self.method = method
        self.name = "py_mp_pool_" + method

    def create(self):
        return mp.get_context(self.method).Pool(WORKERS)

    @staticmethod
    def call(pool, fn, arg=None):
        return pool.apply(fn) if arg is None else pool.apply(fn, (arg,))

    @staticmethod
    def map(pool, fn, items, chunksize):
        for _ in pool.imap(fn, items, chunksize=chunksize):
            pass

    @staticmethod
    def close(pool):
        pool.close()
        pool.join()


def pp_roundtrip(kind, pool, n):
    t = time.perf_counter()
    for _ in range(n):
        kind.call(pool, noop)
    return (time.perf_counter() - t) / n * 1e6


def pp_map(kind, pool, n, chunksize):
    t = time.perf_counter()
    kind.map(pool, inc, range(n), chunksize)
    return n / (time.perf_counter() - t)


def pp_bytes(kind, pool, n, data):
    t = time.perf_counter()
    for _ in range(n):
        r = kind.call(pool, echo, data)
        assert len(r) == len(data)
    return (time.perf_counter() - t) / n * 1e3


def pp_startup(kind):
    t = time.perf_counter()
    pool = kind.create()
    kind.call(pool, noop)
    ms = (time.perf_counter() - t) * 1e3
    kind.close(pool)
    return ms


def process_peers(p, out, kinds):
    data = os.urandom(1 << 20)
    for kind in kinds:
        log("process pool: " + kind.name)
        out["pp.startup_ms"][kind.name] = median_of(p["starts"], lambda: pp_startup(kind))
        pool = kind.create()
        try:
            for _ in range(50):  # warm: both workers started, modules imported
                kind.call(pool, noop)
            out["pp.roundtrip_us"][kind.name] = median_of(p["repeats"], lambda: pp_roundtrip(kind, pool, p["rt"]))
            for c in (1, 100, 1000):
                n = p["pmap1"] if c == 1 else p["pmapn"]
                out["pp.map_c%d" % c][kind.name] = median_of(p["repeats"], lambda: pp_map(kind, pool, n, c))
            out["pp.bytes_1mib_ms"][kind.name] = median_of(p["repeats"], lambda: pp_bytes(kind, pool, p["big"], data))
        finally:
            kind.close(pool)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    ap.add_argument("--only", choices=["threads", "processes"], help="run one half only")
    args = ap.parse_args()
    p = PROFILES[args.profile]
    out = {k: {} for k in UNITS}
    if args.only in (None, "threads"):
        thread_peers(p, out)
    if args.only in (None, "processes"):
        kinds = [PPE("spawn"), PPE("fork"), MPPool("fork")]
        if args.profile != "smoke":
            kinds.append(MPPool("spawn"))
        process_peers(p, out, kinds)
    json.dump({
        "python": platform.python_version(),
        "profile": args.profile,
        "cpus": os.cpu_count(),
        "workers": WORKERS,
        "results": {k: v for k, v in out.items() if v},
        "units": UNITS,
    }, sys.stdout, indent=2, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
