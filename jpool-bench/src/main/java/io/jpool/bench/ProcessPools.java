package io.jpool.bench;

import io.jpool.ProcessPool;
import io.jpool.Task;

import java.util.concurrent.TimeUnit;

/**
 * How the process-pool benchmarks make their pool, and a {@link #main probe} that run.sh uses to
 * skip them cleanly while {@link ProcessPool} cannot run a task yet.
 */
public final class ProcessPools {
    /** A tiny task: the round trip is all protocol. */
    static final Task<Integer> TINY = () -> 1;

    private ProcessPools() {
    }

    /** A pool of {@code workers} worker JVMs with default options. */
    public static ProcessPool create(int workers) {
        try {
            return ProcessPool.builder().maxWorkers(workers).build();
        } catch (UnsupportedOperationException e) {
            throw new UnsupportedOperationException("ProcessPool is not implemented on this branch yet: " + e, e);
        }
    }

    /** Closes {@code pool}, if any. */
    public static void close(ProcessPool pool) {
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Probe: builds a pool of one worker and runs one tiny task with a 60 s limit. Exit code 0 if
     * that works; 3 (after printing why on stdout) if it does not, so run.sh leaves the process-pool
     * benchmarks out and the report says why.
     */
    public static void main(String[] args) {
        ProcessPool pool = null;
        try {
            pool = create(1);
            Integer one = pool.submit(TINY).get(60, TimeUnit.SECONDS);
            if (one == null || one != 1) {
                throw new IllegalStateException("the tiny task returned " + one);
            }
            System.out.println("ProcessPool OK");
            ProcessPools.close(pool);
            System.exit(0);
        } catch (Throwable t) {
            System.out.println("ProcessPool unavailable: " + t);
            try {
                ProcessPools.close(pool);
            } catch (Throwable ignored) {
                // best effort
            }
            System.exit(3);
        }
    }
}
