package io.jpool.examples.cookbook;

import io.jpool.MapOptions;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code multiprocessing.Pool}: {@code map}, {@code imap_unordered}, {@code starmap},
 * {@code apply_async} and {@code map_async} with callbacks, and {@code AsyncResult.get(timeout)}. Mirrors the
 * example at the top of the Python documentation of {@code multiprocessing.Pool}:
 *
 * <pre>{@code
 * def f(x):
 *     return x * x
 *
 * with Pool(processes=4) as pool:
 *     print(pool.map(f, range(10)))
 *     for i in pool.imap_unordered(f, range(10)):
 *         print(i)
 *     print(pool.starmap(pow, [(2, 3), (3, 2), (10, 2)]))
 *     pool.apply_async(f, (20,), callback=collected.append)
 *     pool.map_async(f, range(10), callback=print)
 *     res = pool.apply_async(f, (20,))
 *     print(res.get(timeout=1))
 *     res = pool.apply_async(os.getpid, ())
 *     print(res.get(timeout=1))
 *     multiple_results = [pool.apply_async(os.getpid, ()) for i in range(4)]
 *     print([res.get(timeout=1) for res in multiple_results])
 *     res = pool.apply_async(time.sleep, (10,))
 *     try:
 *         print(res.get(timeout=1))
 *     except TimeoutError:
 *         print("We lacked patience and got a multiprocessing.TimeoutError")
 * }</pre>
 *
 * <p>{@code starmap} takes pairs ({@code Map.entry(a, b)}); for more arguments, map over a record.
 * {@code whenDone((result, error) -> ...)} is {@code apply_async}'s {@code callback} and
 * {@code error_callback} in one; {@code mapAsync} is {@code map_async}.
 */
public final class MultiprocessingPoolBasics {

    public static void main(String[] args) throws Exception {
        run(System.out, 4, Duration.ofSeconds(1));
    }

    static int f(int x) {
        return x * x;
    }

    /** Runs the program on {@code processes} workers; {@code patience} is the get timeout. */
    public static void run(PrintStream out, int processes, Duration patience) throws Exception {
        List<Integer> range10 = IntStream.range(0, 10).boxed().collect(Collectors.toList());
        try (ProcessPool pool = ProcessPool.create(processes)) {
            out.println(pool.map(MultiprocessingPoolBasics::f, range10).stream().collect(Collectors.toList()));

            List<Integer> unordered = new ArrayList<>();
            for (int i : pool.map(MultiprocessingPoolBasics::f, range10, MapOptions.defaults().ordered(false))) {
                unordered.add(i);
            }
            out.println("imap_unordered: " + unordered);

            // starmap: each pair's key and value become the two arguments
            out.println(pool.starmap((Integer base, Integer exponent) -> (int) Math.pow(base, exponent),
                    List.of(Map.entry(2, 3), Map.entry(3, 2), Map.entry(10, 2))).stream().collect(Collectors.toList()));

            // apply_async(callback=..., error_callback=...): whenDone runs in this JVM when the
            // result arrives, with the result or the error
            List<Integer> collected = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch called = new CountDownLatch(2);
            pool.submit(() -> f(20)).whenDone((result, error) -> {
                collected.add(result);
                called.countDown();
            });
            // map_async(callback=...): one future of the whole list
            PoolFuture<List<Integer>> all = pool.mapAsync(MultiprocessingPoolBasics::f, range10).whenDone((squares, error) -> {
                out.println("map_async callback: " + (error == null ? squares : error));
                called.countDown();
            });
            if (!called.await(patience.toMillis() * 30, TimeUnit.MILLISECONDS)) { // generous: workers may be starting
                throw new TimeoutException("the callbacks did not run within " + patience.multipliedBy(30));
            }
            out.println("callback collected " + collected + "; map_async successful: " + all.isSuccessful());

            long timeoutMs = patience.toMillis();
            PoolFuture<Integer> res = pool.submit(() -> f(20));
            out.println(res.get(timeoutMs * 10, TimeUnit.MILLISECONDS)); // generous: a worker may still be starting
            PoolFuture<Long> pid = pool.submit(() -> ProcessHandle.current().pid());
            out.println(pid.get(timeoutMs * 10, TimeUnit.MILLISECONDS));

            List<PoolFuture<Long>> multiple = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                multiple.add(pool.submit(() -> ProcessHandle.current().pid()));
            }
            List<Long> pids = new ArrayList<>();
            for (PoolFuture<Long> r : multiple) {
                pids.add(r.get(timeoutMs * 10, TimeUnit.MILLISECONDS));
            }
            out.println(pids);

            PoolFuture<Void> sleeper = pool.submit(() -> {
                Thread.sleep(10 * timeoutMs);
                return null;
            });
            try {
                out.println(sleeper.get(timeoutMs, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                out.println("We lacked patience and got a TimeoutException");
            }
            // Python's with block calls terminate(); here cancel(true) kills the sleeper's worker,
            // so closing the pool does not wait the sleep out
            out.println("cancelled the sleeper: " + sleeper.cancel(true));
        }
    }

    private MultiprocessingPoolBasics() {
    }
}
