package io.jpool.examples.cookbook;

import io.jpool.MapOptions;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;

import java.io.PrintStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code multiprocessing.Pool}: {@code map}, {@code imap_unordered}, {@code starmap},
 * {@code apply_async} with a callback, and {@code AsyncResult.get(timeout)}. Mirrors the
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
 * <p>starmap, apply_async's callbacks and map_async are written in their plain form here: the
 * conveniences for them ({@code starmap}, a submit with success and error callbacks) are coming
 * to jpool-core (issue 17, item 4), and this program will use them once they exist.
 */
public final class MultiprocessingPoolBasics {

    /** An argument tuple for starmap: a record that travels to the worker. */
    record Pow(int base, int exponent) implements Serializable {
    }

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

            // starmap, plain form: the tuple is a record, unpacked inside the task
            List<Pow> pairs = List.of(new Pow(2, 3), new Pow(3, 2), new Pow(10, 2));
            out.println(pool.map((Pow p) -> (int) Math.pow(p.base(), p.exponent()), pairs)
                    .stream().collect(Collectors.toList()));

            // apply_async(callback=...), plain form: the callback runs in this JVM when the
            // result arrives, on the thread that completes the future
            List<Integer> collected = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch called = new CountDownLatch(1);
            pool.submit(() -> f(20)).addDoneCallback(fut -> {
                collected.add(fut.resultNow());
                called.countDown();
            });
            called.await();
            out.println("callback collected " + collected);

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
