package io.jpool.examples.cookbook;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.ProcessPool;
import io.jpool.ThreadPool;
import io.jpool.WaitTimeoutException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code executor.map} with a {@code chunksize} (items travel to the worker processes in batches)
 * and a {@code timeout} (iteration gives up at the deadline). Mirrors:
 *
 * <pre>{@code
 * with ProcessPoolExecutor(max_workers=2) as executor:
 *     print(sum(executor.map(square, range(10_000), chunksize=500)))
 *
 * with ThreadPoolExecutor(max_workers=2) as executor:
 *     try:
 *         for r in executor.map(slow_echo, [0.1, 0.1, 3, 0.1], timeout=1):
 *             print("got", r)
 *     except TimeoutError:
 *         print("TimeoutError: map did not finish within 1 s")
 * }</pre>
 */
public final class MapWithTimeoutAndChunksize {

    public static void main(String[] args) throws Exception {
        run(System.out, 10_000, Duration.ofSeconds(1));
    }

    /**
     * Sums the squares of 0..n-1 on two worker processes in chunks of {@code n / 20}, then maps on
     * threads with a deadline of {@code timeout} that one slow item (3 timeouts long) misses.
     */
    public static void run(PrintStream out, int n, Duration timeout) throws Exception {
        List<Integer> items = IntStream.range(0, n).boxed().collect(Collectors.toList());
        int chunksize = Math.max(1, n / 20);
        try (ProcessPool executor = ProcessPool.create(2)) {
            long sum = executor.map((Integer x) -> (long) x * x, items, MapOptions.defaults().chunksize(chunksize))
                    .stream().mapToLong(Long::longValue).sum();
            out.println("sum of squares below " + n + " in chunks of " + chunksize + ": " + sum);
        }

        long step = timeout.toMillis() / 10;
        List<Long> sleeps = List.of(step, step, timeout.toMillis() * 3, step);
        List<Long> got = new ArrayList<>();
        try (ThreadPool executor = ThreadPool.create(2);
             MapResult<Long> results = executor.map((Long ms) -> {
                 Thread.sleep(ms);
                 return ms;
             }, sleeps, MapOptions.defaults().timeout(timeout))) {
            for (long r : results) {
                got.add(r);
                out.println("got " + r);
            }
        } catch (WaitTimeoutException e) {
            // Leaving the try closed the map (pending items cancelled) and then the pool, which
            // waits for the slow item already running: a thread cannot be forced to stop. A
            // ProcessPool with taskTimeout(...) would kill it instead.
            out.println("TimeoutError: map did not finish within " + timeout.toMillis() + " ms, after "
                    + got.size() + " results");
        }
    }

    private MapWithTimeoutAndChunksize() {
    }
}
