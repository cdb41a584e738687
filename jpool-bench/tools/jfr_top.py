#!/usr/bin/env python3
"""Top methods of a JFR recording: self time (top frame) and total (anywhere on the stack) from
jdk.ExecutionSample, plus park/monitor counts. Usage: jfr_top.py recording.jfr [N]

How it works: runs the JDK's `jfr print --json --events ...` and counts frames. Stdlib only.
Made for `run.sh quick ThreadThroughput -prof jfr` (JMH writes one profile.jfr per benchmark).
"""
import collections
import json
import os
import shutil
import subprocess
import sys


def jfr_tool():
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "jfr")):
        return os.path.join(home, "bin", "jfr")
    return shutil.which("jfr") or "jfr"


def events(path, names):
    out = subprocess.run([jfr_tool(), "print", "--json", "--stack-depth", "64", "--events", ",".join(names), path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def frame_name(f):
    m = f["method"]
    return "%s.%s" % (m["type"]["name"].split(".")[-1], m["name"])


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    selfc, totalc, threads = collections.Counter(), collections.Counter(), collections.Counter()
    samples = 0
    for e in events(path, ["jdk.ExecutionSample"]):
        frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
        if not frames:
            continue
        samples += 1
        threads[e["values"]["sampledThread"]["javaName"] or "?"] += 1
        selfc[frame_name(frames[0])] += 1
        for name in {frame_name(f) for f in frames}:
            totalc[name] += 1
    print("%d execution samples" % samples)
    print("\nby thread:")
    for t, c in threads.most_common(8):
        print("  %5.1f%%  %s" % (100.0 * c / samples, t))
    print("\nself (top frame):")
    for m, c in selfc.most_common(n):
        print("  %5.1f%%  %s" % (100.0 * c / samples, m))
    print("\ntotal (on stack):")
    for m, c in totalc.most_common(n):
        print("  %5.1f%%  %s" % (100.0 * c / samples, m))
    parks = events(path, ["jdk.ThreadPark"])
    print("\njdk.ThreadPark events (>= the recording's threshold): %d" % len(parks))


if __name__ == "__main__":
    main()
