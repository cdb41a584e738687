package io.jpool.process;

import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;
import io.jpool.internal.process.ProcessPoolProbe;

/** A caller JVM whose worker runs under a launcher that forks: prints {@code worker <java pid> <pool directory>}, then waits to be killed. */
public final class ForkingLauncherCallerMain {
    private ForkingLauncherCallerMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessPool pool = ProcessPool.builder().maxWorkers(1).workerOutput(WorkerOutput.DISCARD)
                .launcher("sh", "-c", "\"$0\" \"$@\"; exit $?").build();
        long worker = pool.submit(() -> ProcessHandle.current().pid()).get();
        System.out.println("worker " + worker + " " + ProcessPoolProbe.channelDirectory(pool));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until killed
    }
}
