package io.jpool.process;

import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;
import io.jpool.internal.process.ProcessPoolProbe;

/**
 * A caller JVM that ends right after {@code shutdownNow()}, as a program's main often does: runs a
 * task, prints the pool's directory, shuts the pool down without waiting and returns from main.
 */
public final class ExitAfterShutdownNowMain {
    private ExitAfterShutdownNowMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessPool pool = ProcessPool.builder().maxWorkers(2).workerOutput(WorkerOutput.DISCARD).build();
        long worker = pool.submit(() -> ProcessHandle.current().pid()).get();
        System.out.println("worker " + worker + " " + ProcessPoolProbe.channelDirectory(pool));
        System.out.flush();
        pool.shutdownNow();
    }
}
