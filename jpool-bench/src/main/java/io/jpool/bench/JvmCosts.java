package io.jpool.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * What the JVM spent besides the code under test, between two points of a benchmark: garbage
 * collections (count and time), minor page faults of the process (Linux; -1 elsewhere), which
 * count the fresh heap the JVM touched as it grew, and the bytes its threads allocated (HotSpot's
 * per-thread count, summed over the threads alive at both points), which drive the collections.
 * Counts, not times, so a loaded machine does not change them much.
 */
final class JvmCosts {
    private JvmCosts() {
    }

    /** Collections, their milliseconds and minor page faults so far. */
    static long[] now() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis, minorFaults(), allocatedBytes()};
    }

    /**
     * Since {@code before} (from {@link #now}), in words; the bytes allocated are given per task,
     * {@code tasks} being how many ran in between.
     */
    static String since(long[] before, long tasks) {
        long[] now = now();
        String faults = now[2] < 0 || before[2] < 0 ? "n/a" : Long.toString(now[2] - before[2]);
        String allocated = now[3] < 0 || before[3] < 0 ? "n/a"
                : String.format(Locale.ROOT, "%.1f", (now[3] - before[3]) / (double) tasks);
        return String.format(Locale.ROOT, "%d GCs (%d ms), %s minor page faults, %s bytes allocated per task",
                now[0] - before[0], now[1] - before[1], faults, allocated);
    }

    /** Bytes allocated so far by the threads alive now, or -1 where the JVM does not count them. */
    private static long allocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean)) {
            return -1;
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, bytes); // -1 for a thread that ended meanwhile
        }
        return sum;
    }

    /** Field 10 of /proc/self/stat (minflt), or -1 where there is none. */
    private static long minorFaults() {
        try {
            String stat = new String(Files.readAllBytes(Paths.get("/proc/self/stat")));
            // the fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);
        } catch (Exception e) {
            return -1;
        }
    }
}
