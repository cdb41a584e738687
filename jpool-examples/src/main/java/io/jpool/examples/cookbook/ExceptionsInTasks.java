package io.jpool.examples.cookbook;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.TaskFailedException;
import io.jpool.ThreadPool;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * An exception raised in a task does not escape where it was raised: it is kept in the future and
 * raised again when the result is asked for. Mirrors:
 *
 * <pre>{@code
 * def check(n):
 *     if n % 3 == 0:
 *         raise ValueError(f"{n} is a multiple of 3")
 *     return n
 *
 * with ThreadPoolExecutor(max_workers=4) as executor:
 *     futures = [executor.submit(check, n) for n in range(1, 7)]
 *     for f in futures:
 *         try:
 *             print("result", f.result())
 *         except ValueError as e:
 *             print("failed:", e)
 *     print("exception():", futures[2].exception())
 *
 * with ProcessPoolExecutor(max_workers=2) as executor:
 *     try:
 *         list(executor.map(check, range(1, 7)))
 *     except ValueError as e:
 *         print("map failed:", e)
 * }</pre>
 */
public final class ExceptionsInTasks {

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    static int check(int n) {
        if (n % 3 == 0) {
            throw new IllegalArgumentException(n + " is a multiple of 3"); // Python's ValueError
        }
        return n;
    }

    /** Runs the program. */
    public static void run(PrintStream out) throws Exception {
        try (ThreadPool executor = ThreadPool.create(4)) {
            List<PoolFuture<Integer>> futures = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                int n = i;
                futures.add(executor.submit(() -> check(n)));
            }
            for (PoolFuture<Integer> f : futures) {
                try {
                    out.println("result " + f.get());
                } catch (ExecutionException e) { // the task's own exception is the cause
                    out.println("failed: " + e.getCause());
                }
            }
            out.println("exception(): " + futures.get(2).exception(null));
        }

        // The same function on worker processes: the exception travels back as itself (its class
        // is on the caller's class path), and a map says which item failed.
        try (ProcessPool executor = ProcessPool.create(2)) {
            List<Integer> got = new ArrayList<>();
            try {
                for (int r : executor.map(ExceptionsInTasks::check, List.of(1, 2, 3, 4, 5, 6))) {
                    got.add(r);
                }
            } catch (TaskFailedException e) {
                out.println("map failed at item " + e.index() + " after " + got + ": " + e.getCause());
            }
        }
    }

    private ExceptionsInTasks() {
    }
}
