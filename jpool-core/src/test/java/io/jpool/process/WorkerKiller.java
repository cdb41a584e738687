package io.jpool.process;

import io.jpool.ProcessPool;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * For chaos tests: a thread that SIGKILLs a random worker of a pool at a steady pace, and
 * remembers every worker pid it saw so the test can check that none outlives the pool.
 *
 * <p>How it picks: one tick in four any worker, a starting one too (a kill while a worker starts
 * is part of the chaos); the other ticks only workers past their start. On a slow machine, where
 * a start takes a second or more, a start killed every tick would never succeed, and the pool
 * would rightly break after a minute of failed starts.
 */
final class WorkerKiller implements AutoCloseable {
    /** A worker this old has started, even on a slow, loaded machine. */
    private static final long START_ALLOWANCE_MILLIS = 2_000;

    private final ProcessPool pool;
    private final long everyMillis;
    private final List<Long> seen = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicInteger kills = new AtomicInteger();
    private final Thread thread;

    WorkerKiller(ProcessPool pool, long everyMillis) {
        this.pool = pool;
        this.everyMillis = everyMillis;
        this.thread = new Thread(this::loop, "chaos-killer");
    }

    WorkerKiller start() {
        thread.start();
        return this;
    }

    /** Kills stop until {@link #resume}; the pids of workers are still recorded. */
    void pause() {
        paused.set(true);
    }

    void resume() {
        paused.set(false);
    }

    int kills() {
        return kills.get();
    }

    /** Every worker pid seen so far, with the pool's current ones. */
    List<Long> seen() {
        synchronized (seen) {
            seen.addAll(pool.workerPids());
            return new ArrayList<>(seen);
        }
    }

    private void loop() {
        Random random = new Random();
        while (!stop.get()) {
            List<Long> pids = pool.workerPids();
            synchronized (seen) {
                seen.addAll(pids);
            }
            List<Long> victims = paused.get() ? List.of() : victims(pids, random);
            if (!victims.isEmpty()) {
                long pid = victims.get(random.nextInt(victims.size()));
                if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
                    kills.incrementAndGet(); // SIGKILL
                }
            }
            try {
                Thread.sleep(everyMillis); // the chaos's pace, not a synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static List<Long> victims(List<Long> pids, Random random) {
        if (random.nextInt(4) == 0) {
            return pids;
        }
        long startedBefore = System.currentTimeMillis() - START_ALLOWANCE_MILLIS;
        return pids.stream()
                .filter(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().startInstant())
                        .map(t -> t.toEpochMilli() < startedBefore).orElse(false))
                .collect(Collectors.toList());
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.interrupt();
        thread.join();
    }
}
