package io.jpool.bench;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.TaskFunction;
import io.jpool.ThreadPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Map throughput over {@value #ITEMS} small items with a trivial function ({@code x + 1}), results
 * taken in input order. jpool uses its lazy, bounded {@code map} (chunksize 1, its default buffer);
 * the JDK executors have no map, so they do what Python's eager {@code Executor.map} does: submit
 * every item, then get the futures in order. Score: items per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ThreadMapBench {
    static final int ITEMS = 100_000;
    private static final TaskFunction<Integer, Integer> INC = x -> x + 1;

    @Param({"jpool", "tpe", "fjp", "vthreads"})
    public String executor;

    /** Worker threads (ignored by vthreads). */
    @Param({"2"})
    public int threads;

    /** Items per task for jpool's map; the JDK executors always submit one task per item. */
    @Param({"1"})
    public int chunksize;

    private ExecutorService pool;
    private final List<Integer> items = new ArrayList<>(ITEMS);

    @Setup
    public void setup() {
        pool = Executors4.create(executor, threads);
        items.clear();
        for (int i = 0; i < ITEMS; i++) {
            items.add(i);
        }
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        Executors4.stop(pool);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long map() throws Exception {
        long sum = 0;
        if (pool instanceof ThreadPool) {
            try (MapResult<Integer> results = ((ThreadPool) pool).map(INC, items,
                    MapOptions.defaults().chunksize(chunksize))) {
                for (Integer r : results) {
                    sum += r;
                }
            }
            return sum;
        }
        List<Future<Integer>> futures = new ArrayList<>(ITEMS);
        for (Integer x : items) {
            futures.add(pool.submit(() -> INC.apply(x)));
        }
        for (Future<Integer> f : futures) {
            sum += f.get();
        }
        return sum;
    }
}
