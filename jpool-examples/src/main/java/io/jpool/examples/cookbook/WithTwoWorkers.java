package io.jpool.examples.cookbook;

import io.jpool.PoolFuture;
import io.jpool.ThreadPool;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code with ThreadPoolExecutor(max_workers=2)}: try-with-resources is Python's {@code with}.
 * Four tasks share two named threads, and leaving the block waits for all of them. Mirrors:
 *
 * <pre>{@code
 * def work(n):
 *     time.sleep(0.5)
 *     return f"{n} on {threading.current_thread().name}"
 *
 * with ThreadPoolExecutor(max_workers=2, thread_name_prefix="worker") as executor:
 *     futures = [executor.submit(work, n) for n in range(4)]
 * print("after the with block, all done:", all(f.done() for f in futures))
 * for f in futures:
 *     print(f.result())
 * }</pre>
 */
public final class WithTwoWorkers {

    public static void main(String[] args) throws Exception {
        run(System.out, Duration.ofMillis(500));
    }

    /** Runs four tasks of {@code sleep} each on two threads. */
    public static void run(PrintStream out, Duration sleep) throws Exception {
        List<PoolFuture<String>> futures = new ArrayList<>();
        try (ThreadPool executor = ThreadPool.builder().maxWorkers(2).threadNamePrefix("worker").build()) {
            for (int i = 0; i < 4; i++) {
                int n = i;
                futures.add(executor.submit(() -> {
                    Thread.sleep(sleep.toMillis());
                    return n + " on " + Thread.currentThread().getName();
                }));
            }
        } // close() is shutdown(wait=true): it returns once every task has finished
        out.println("after the with block, all done: " + futures.stream().allMatch(PoolFuture::isDone));
        for (PoolFuture<String> f : futures) {
            out.println(f.get());
        }
    }

    private WithTwoWorkers() {
    }
}
