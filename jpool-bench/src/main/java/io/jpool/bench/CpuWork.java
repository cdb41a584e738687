package io.jpool.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU-bound work of a given CPU time: computes until the calling thread has used that much CPU,
 * so a task costs the same 1 ms of computation however busy the machine is (a loop timed by the
 * wall clock would compute less when it waits for a CPU).
 */
public final class CpuWork {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Keeps the JIT from removing the loop. */
    private static volatile long sink;

    private CpuWork() {
    }

    /** Computes for {@code cpuNanos} of this thread's CPU time. */
    public static void spin(long cpuNanos) {
        long end = THREADS.getCurrentThreadCpuTime() + cpuNanos;
        long x = System.nanoTime();
        do {
            for (int i = 0; i < 2_000; i++) { // a few microseconds between the clock's system calls
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
        } while (THREADS.getCurrentThreadCpuTime() < end);
        sink = x;
    }
}
