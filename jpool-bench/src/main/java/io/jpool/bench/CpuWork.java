package io.jpool.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU-bound work of a given CPU time: computes until the calling thread has used that much CPU,
 * so a task costs the same 1 ms of computation however busy the machine is (a loop timed by the
 * wall clock would compute less when it waits for a CPU). A virtual thread reports no CPU time
 * (-1): it computes for that much wall time instead, which its carrier threads, never more than
 * the CPUs, give it nearly whole unless other programs take the CPUs.
 */
public final class CpuWork {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Keeps the JIT from removing the loop. */
    private static volatile long sink;

    private CpuWork() {
    }

    /** Computes for {@code cpuNanos} of this thread's CPU time (wall time where that is unknown). */
    public static void spin(long cpuNanos) {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        boolean byCpu = cpu0 >= 0;
        long end = (byCpu ? cpu0 : System.nanoTime()) + cpuNanos;
        long x = System.nanoTime();
        do {
            for (int i = 0; i < 2_000; i++) { // a few microseconds between the clock's system calls
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
        } while ((byCpu ? THREADS.getCurrentThreadCpuTime() : System.nanoTime()) < end);
        sink = x;
    }
}
