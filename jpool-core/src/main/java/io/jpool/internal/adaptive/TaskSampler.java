package io.jpool.internal.adaptive;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sums the CPU and wall time of the tasks a pool samples. A worker samples one task in
 * {@link #EVERY}: reading a thread's CPU time costs about a microsecond, which a no-op task must
 * not pay each time. The sums are {@link LongAdder}s: workers add to them rarely and apart,
 * the controller reads them every tick.
 */
public final class TaskSampler {
    /** One task in this many is timed, per worker. */
    public static final int EVERY = 16;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final LongAdder cpuNanos = new LongAdder();
    private final LongAdder wallNanos = new LongAdder();

    /** True if this JVM can measure the current thread's CPU time (adaptive sizing needs it). */
    public static boolean supported() {
        return THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
    }

    /** The current thread's CPU time in nanoseconds, or -1 if it cannot be measured. */
    public static long cpuNow() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Records a task timed from {@code cpuStart}/{@code wallStart} (read before it ran) to now. */
    public void record(long cpuStart, long wallStart) {
        long cpuEnd = cpuNow();
        long wall = System.nanoTime() - wallStart;
        if (cpuStart < 0 || cpuEnd < cpuStart || wall <= 0) {
            return; // not measurable on this thread
        }
        cpuNanos.add(cpuEnd - cpuStart);
        wallNanos.add(wall);
    }

    public long cpuNanos() {
        return cpuNanos.sum();
    }

    public long wallNanos() {
        return wallNanos.sum();
    }
}
