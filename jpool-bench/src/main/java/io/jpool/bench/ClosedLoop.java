package io.jpool.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs a workload on a {@link Contender} for a fixed time, keeping a fixed number of tasks in
 * flight (a closed loop: a new task as soon as one ends), and records what happened.
 *
 * <p>How it works: the calling thread submits while a semaphore of {@code inFlight} permits has
 * one free; each task releases its permit when it ends. A sampler thread records, every
 * {@link #SAMPLE_MS} ms, the tasks running, the executor's threads, an adaptive pool's target and
 * the completions so far ({@link Run.Point}). At the end a flag makes the tasks still queued
 * return at once without their work, so the next run starts on a quiet machine even for the
 * common ForkJoinPool, which is never shut down. Throughput counts the whole run, start-up and
 * sizing included.
 */
public final class ClosedLoop {
    /** How often the sampler looks. */
    public static final long SAMPLE_MS = 100;

    /** The work of one task, which may depend on when it was submitted (phases). */
    @FunctionalInterface
    public interface Workload {
        /** Does one task's work; {@code sinceStartNanos} is when the task started, since the run did. */
        void runOne(long sinceStartNanos) throws Exception;
    }

    private ClosedLoop() {
    }

    /** Runs {@code work} on {@code c} for {@code seconds} with {@code inFlight} tasks in flight. */
    public static Run run(Contender c, Workload work, double seconds, int inFlight) throws InterruptedException {
        Semaphore room = new Semaphore(inFlight);
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder taskNanos = new LongAdder();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger unfinished = new AtomicInteger();
        List<Run.Point> points = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        AtomicBoolean stop = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                synchronized (points) {
                    points.add(new Run.Point((System.nanoTime() - start) / 1e9, running.get(), c.threads(),
                            c.target(), done.sum()));
                }
                try {
                    Thread.sleep(SAMPLE_MS); // a sampling cadence, not a synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "adaptive-suite-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            while (System.nanoTime() < end) {
                if (!room.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                unfinished.incrementAndGet();
                try {
                    c.executor().execute(() -> {
                        try {
                            if (stop.get()) {
                                return; // the run is over: skip the work, free the executor
                            }
                            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                            long t0 = System.nanoTime();
                            try {
                                work.runOne(t0 - start);
                                done.increment();
                            } catch (Exception e) {
                                failed.increment();
                            } finally {
                                taskNanos.add(System.nanoTime() - t0);
                                running.decrementAndGet();
                            }
                        } finally {
                            room.release();
                            unfinished.decrementAndGet();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    unfinished.decrementAndGet();
                    room.release();
                    throw e;
                }
            }
            long counted = done.sum();
            double elapsed = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (unfinished.get() > 0 && System.nanoTime() < drainEnd) {
                room.tryAcquire(10, TimeUnit.MILLISECONDS); // wakes at each task's end; the count decides
            }
            if (unfinished.get() > 0) {
                throw new IllegalStateException(c.name() + ": " + unfinished.get() + " tasks still running 120 s after the run");
            }
            long n = done.sum();
            List<Run.Point> series;
            synchronized (points) {
                series = List.copyOf(points);
            }
            return new Run(c.name(), counted / elapsed, peak.get(), n == 0 ? 0 : taskNanos.sum() / 1e6 / n,
                    failed.sum(), series, c.adaptiveStats());
        } finally {
            sampler.interrupt();
            sampler.join();
        }
    }
}
