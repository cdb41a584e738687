package io.jpool.process;

import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;

import java.nio.file.Path;

/**
 * A caller JVM for ProcessPoolAotCacheTest: a pool of 2 workers on JDK {@code args[0]} with
 * class-data archives in {@code args[1]} and the worker class path {@code args[2]} runs a task,
 * closes, and main returns at once, before any AOT cache's assembly can have finished.
 */
public final class AotCacheCallerMain {
    private AotCacheCallerMain() {
    }

    public static void main(String[] args) throws Exception {
        try (ProcessPool pool = ProcessPool.builder().maxWorkers(2).javaHome(Path.of(args[0]))
                .classDataSharing(Path.of(args[1])).classpath(args[2]).jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1")
                .workerOutput(WorkerOutput.DISCARD).build()) {
            pool.prestart().get();
            if (pool.submit(() -> 1).get() != 1) {
                throw new AssertionError("the task's result");
            }
        }
    }
}
