package io.jpool.process;

import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;

/** A caller JVM whose task starts {@code sleep 1000}: prints {@code worker <pid> sleep <pid>}, then waits to be killed. */
public final class SpawningCallerMain {
    private SpawningCallerMain() {
    }

    public static void main(String[] args) throws Exception {
        try (ProcessPool pool = ProcessPool.builder().maxWorkers(1).workerOutput(WorkerOutput.DISCARD).build()) {
            long worker = pool.submit(() -> ProcessHandle.current().pid()).get();
            long sleep = pool.submit(ProcessPoolProcessTreeTest::startSleep).get();
            System.out.println("worker " + worker + " sleep " + sleep);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE); // until killed
        }
    }
}
