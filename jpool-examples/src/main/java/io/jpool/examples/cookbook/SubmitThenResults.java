package io.jpool.examples.cookbook;

import io.jpool.PoolFuture;
import io.jpool.ThreadPool;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Submit everything first, keep the futures in a list, then collect the results in submission
 * order. Mirrors:
 *
 * <pre>{@code
 * def square(n):
 *     return n * n
 *
 * with ThreadPoolExecutor() as executor:
 *     futures = [executor.submit(square, n) for n in range(10)]
 *     results = [f.result() for f in futures]
 * print(results)
 * }</pre>
 */
public final class SubmitThenResults {

    public static void main(String[] args) throws Exception {
        run(System.out, 10);
    }

    /** Squares 0..n-1 on a pool and prints the list of results. */
    public static List<Integer> run(PrintStream out, int n) throws Exception {
        List<Integer> results = new ArrayList<>();
        try (ThreadPool executor = ThreadPool.create()) { // Python's default size: min(32, cpus + 4)
            List<PoolFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int x = i;
                futures.add(executor.submit(() -> square(x)));
            }
            for (PoolFuture<Integer> f : futures) {
                results.add(f.get()); // Python's f.result(): waits, rethrows the task's exception
            }
        }
        out.println(results);
        return results;
    }

    static int square(int n) {
        return n * n;
    }

    private SubmitThenResults() {
    }
}
