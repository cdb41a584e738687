package io.jpool.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;
import io.jpool.internal.process.ProcessPoolProbe;

/** A caller JVM for the orphan test: starts a pool with a busy worker, prints its pid, waits to be killed. */
public final class OrphanParentMain {
    private OrphanParentMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessPool pool = ProcessPool.builder().maxWorkers(1).workerOutput(WorkerOutput.DISCARD).build();
        long worker = pool.submit(() -> ProcessHandle.current().pid()).get();
        PoolFuture<Object> busy = pool.submit(() -> {
            Thread.sleep(Long.MAX_VALUE);
            return null;
        });
        System.out.println("worker " + worker + " " + ProcessPoolProbe.channelDirectory(pool));
        System.out.flush();
        busy.get(); // until killed
    }
}
