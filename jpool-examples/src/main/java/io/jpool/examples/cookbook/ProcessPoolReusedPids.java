package io.jpool.examples.cookbook;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The same 50 tasks on a process pool: each says which worker process ran it, and the few pids
 * that come back show the workers are reused. Mirrors:
 *
 * <pre>{@code
 * def task(name):
 *     return f"Task {name} ran in process {os.getpid()}"
 *
 * with ProcessPoolExecutor(max_workers=4) as executor:
 *     for i in range(50):
 *         executor.submit(task, i).add_done_callback(lambda f: print(f.result()))
 * }</pre>
 *
 * <p>The task returns its line instead of printing it: a worker's own stdout is forwarded to this
 * JVM's {@code System.out}, but a returned value is what a caller can rely on.
 */
public final class ProcessPoolReusedPids {

    public static void main(String[] args) throws Exception {
        run(System.out, 50, 4);
    }

    /** Runs {@code tasks} tasks on a pool of {@code workers} JVMs; returns the distinct pids seen. */
    public static TreeSet<Long> run(PrintStream out, int tasks, int workers) throws Exception {
        TreeSet<Long> pids = new TreeSet<>();
        try (ProcessPool executor = ProcessPool.create(workers)) {
            List<PoolFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                int name = i;
                futures.add(executor.submit(() -> ProcessHandle.current().pid())
                        .addDoneCallback(f -> out.println("Task " + name + " ran in process " + f.resultNow())));
            }
            for (PoolFuture<Long> f : futures) {
                pids.add(f.get());
            }
        }
        out.println(tasks + " tasks ran in " + pids.size() + " worker processes: " + pids
                + " (this JVM is " + ProcessHandle.current().pid() + ")");
        return pids;
    }

    private ProcessPoolReusedPids() {
    }
}
