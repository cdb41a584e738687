package io.jpool.internal.adaptive;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sums the CPU time, the time waiting for a CPU, and the wall time of the tasks a pool samples.
 * A worker times one task in a few ({@link #interval}) with its own {@link Probe}: reading a
 * thread's times costs two system calls, a few microseconds, which a no-op task must not pay:
 * short tasks are timed one in 256, long ones (where that cost is lost in the noise) one in 4. The sums are
 * {@link LongAdder}s: workers add to them rarely and apart, the controller reads them each tick.
 *
 * <p>Why the time waiting for a CPU: on a busy machine a CPU-bound task's wall time is mostly
 * spent runnable but not running, which would look like I/O wait and make the pool grow. On Linux
 * the scheduler counts that time per thread ({@code /proc/thread-self/schedstat}: on-CPU time,
 * run-queue wait, time slices); elsewhere the probe reports it as unknown (-1) and the controller
 * falls back to the machine's load average.
 */
public final class TaskSampler {
    /** Tasks shorter than this are timed rarely: their timing would cost a share of them. */
    private static final long SHORT_TASK_NANOS = 100_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Path SCHEDSTAT = Path.of("/proc/thread-self/schedstat");

    private final LongAdder cpuNanos = new LongAdder();
    private final LongAdder runQueueNanos = new LongAdder();
    private final LongAdder wallNanos = new LongAdder();
    private final LongAdder knownTasks = new LongAdder();
    private final LongAdder crowdedTasks = new LongAdder();
    private final LongAdder crowdedRunQueueNanos = new LongAdder();
    private final LongAdder crowdedWallNanos = new LongAdder();
    private volatile boolean runQueueKnown = true;

    /** A task that waited for a CPU this much of its wall time (80% or more): the CPUs limit it. */
    static boolean crowded(long runQueueNanos, long wallNanos) {
        return 5 * runQueueNanos >= 4 * wallNanos;
    }

    /** True if this JVM can measure the current thread's CPU time (adaptive sizing needs it). */
    public static boolean supported() {
        return THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
    }

    /** How many tasks to run before timing the next, given the wall time of the last one timed. */
    public static int interval(long lastWallNanos) {
        return lastWallNanos >= SHORT_TASK_NANOS ? 4 : 256;
    }

    /** A probe for the calling worker thread only; close it when the worker exits. */
    public Probe newProbe() {
        return new Probe();
    }

    public long cpuNanos() {
        return cpuNanos.sum();
    }

    /** Time the sampled tasks waited for a CPU; meaningful only if {@link #runQueueKnown()}. */
    public long runQueueNanos() {
        return runQueueNanos.sum();
    }

    /** False once a probe could not read the run-queue wait (not Linux, say). */
    public boolean runQueueKnown() {
        return runQueueKnown;
    }

    public long wallNanos() {
        return wallNanos.sum();
    }

    /** A pool's sample: its own counts and state now, with the sampled tasks' sums. */
    public AdaptiveSample sample(long nanoTime, long completed, long queued, int busy, double cpuContention) {
        return new AdaptiveSample(nanoTime, completed, cpuNanos(), wallNanos(), runQueueKnown() ? runQueueNanos() : -1,
                queued, busy, cpuContention, knownTasks(), crowdedTasks(), crowdedRunQueueNanos(), crowdedWallNanos());
    }

    /** Sampled tasks whose run-queue wait is known. */
    public long knownTasks() {
        return knownTasks.sum();
    }

    /** Of {@link #knownTasks()}, those {@link #crowded}. */
    public long crowdedTasks() {
        return crowdedTasks.sum();
    }

    public long crowdedRunQueueNanos() {
        return crowdedRunQueueNanos.sum();
    }

    public long crowdedWallNanos() {
        return crowdedWallNanos.sum();
    }

    /**
     * Times tasks on one worker thread: {@link #begin()} before the task, {@link #end()} after.
     * Holds the thread's schedstat file open (it names the thread that opened it).
     */
    public final class Probe implements AutoCloseable {
        private FileChannel schedstat;
        private boolean schedstatFailed;
        private final ByteBuffer buf = ByteBuffer.allocate(96);
        private final long[] times = new long[2];
        private long cpu0;
        private long runQueue0;
        private long wall0;

        Probe() {
        }

        public void begin() {
            wall0 = System.nanoTime();
            if (readSchedstat()) {
                cpu0 = times[0];
                runQueue0 = times[1];
            } else {
                cpu0 = THREADS.getCurrentThreadCpuTime();
                runQueue0 = -1;
            }
        }

        /** Ends the timing begun by {@link #begin()}; returns the task's wall time in nanoseconds. */
        public long end() {
            long cpu1;
            long runQueue1;
            if (runQueue0 >= 0 && readSchedstat()) {
                cpu1 = times[0];
                runQueue1 = times[1];
            } else {
                cpu1 = THREADS.getCurrentThreadCpuTime();
                runQueue1 = -1;
            }
            long wall = System.nanoTime() - wall0;
            if (cpu0 < 0 || cpu1 <= cpu0 || wall <= 0) {
                return wall; // not measurable on this thread
            }
            if (runQueue0 >= 0 && runQueue1 >= runQueue0) {
                long runQueue = runQueue1 - runQueue0;
                runQueueNanos.add(runQueue);
                if (crowded(runQueue, wall)) {
                    crowdedRunQueueNanos.add(runQueue);
                    crowdedWallNanos.add(wall);
                    crowdedTasks.increment();
                }
                knownTasks.increment();
            } else {
                runQueueKnown = false;
                // cpu0 and cpu1 came from different clocks: drop this sample
                if (runQueue0 >= 0) {
                    return wall;
                }
            }
            cpuNanos.add(cpu1 - cpu0);
            wallNanos.add(wall);
            return wall;
        }

        /** Reads on-CPU and run-queue nanoseconds into {@link #times}; false if it cannot. */
        private boolean readSchedstat() {
            if (schedstatFailed) {
                return false;
            }
            // a task may end with its thread interrupted (it restored the flag): a FileChannel read
            // would then close the channel and look like a system without schedstat. The flag is
            // the task's, so it is set aside for the read and put back
            boolean interrupted = Thread.interrupted();
            try {
                if (schedstat == null) {
                    schedstat = FileChannel.open(SCHEDSTAT, StandardOpenOption.READ);
                }
                buf.clear();
                int n = schedstat.read(buf, 0);
                if (n > 0 && parse(n)) {
                    return true;
                }
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                // not Linux, or /proc not mounted: the ThreadMXBean and the load average instead
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            schedstatFailed = true;
            runQueueKnown = false;
            close();
            return false;
        }

        private boolean parse(int n) {
            int field = 0;
            long v = 0;
            boolean inNumber = false;
            for (int i = 0; i < n && field < 2; i++) {
                byte b = buf.get(i);
                if (b >= '0' && b <= '9') {
                    v = v * 10 + (b - '0');
                    inNumber = true;
                } else if (inNumber) {
                    times[field++] = v;
                    v = 0;
                    inNumber = false;
                }
            }
            return field == 2;
        }

        @Override
        public void close() {
            FileChannel c = schedstat;
            schedstat = null;
            if (c != null) {
                try {
                    c.close();
                } catch (IOException e) {
                    // nothing to do: the descriptor is gone either way
                }
            }
        }
    }
}
