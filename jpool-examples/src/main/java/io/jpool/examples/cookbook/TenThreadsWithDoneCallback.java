package io.jpool.examples.cookbook;

import io.jpool.ThreadPool;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A pool of 10 threads running 50 {@code task(name)} calls, each reporting through a done
 * callback. Mirrors:
 *
 * <pre>{@code
 * def task(name):
 *     print(f"Task {name} starting")
 *     time.sleep(1)
 *     return f"Task {name} done"
 *
 * with ThreadPoolExecutor(max_workers=10) as executor:
 *     for i in range(50):
 *         executor.submit(task, i).add_done_callback(lambda f: print(f.result()))
 * }</pre>
 */
public final class TenThreadsWithDoneCallback {

    public static void main(String[] args) throws Exception {
        run(System.out, 50, Duration.ofSeconds(1));
    }

    /** Runs {@code tasks} tasks of {@code sleep} each on 10 threads, printing to {@code out}. */
    public static void run(PrintStream out, int tasks, Duration sleep) {
        try (ThreadPool executor = ThreadPool.create(10)) {
            for (int i = 0; i < tasks; i++) {
                int name = i;
                executor.submit(() -> task(out, name, sleep))
                        .addDoneCallback(f -> out.println(f.resultNow()));
            }
        } // close() waits for every task, as leaving Python's with block does
        out.println("all " + tasks + " tasks done");
    }

    static String task(PrintStream out, int name, Duration sleep) throws InterruptedException {
        out.println("Task " + name + " starting");
        Thread.sleep(sleep.toMillis());
        return "Task " + name + " done";
    }

    private TenThreadsWithDoneCallback() {
    }
}
