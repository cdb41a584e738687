package io.jpool.bench;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.ProcessPool;
import io.jpool.TaskFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Process-pool {@code map} of {@code items} tiny items ({@code x + 1}) on a warm pool of 2
 * workers, in input order, with chunksize 1, 100 and 1000. Score: seconds per map; run.sh turns
 * it into items per second (so runs with different {@code items} compare). Average time over
 * timed iterations, not single shots: the workers' JIT must be warm, as a long batch would be.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ProcessMapBench {
    private static final TaskFunction<Integer, Integer> INC = x -> x + 1;

    @Param({"1", "100", "1000"})
    public int chunksize;

    /** Items per map with chunksize 100 or 1000 (DESIGN.md's target is for 1M). */
    @Param({"1000000"})
    public int items;

    /**
     * Items per map with chunksize 1, where every item is a round trip: the quick profile maps
     * fewer (50k) so that it stays under five minutes; the full profile maps 1M here too.
     */
    @Param({"1000000"})
    public int itemsAtChunksize1;

    private ProcessPool pool;
    private final List<Integer> input = new ArrayList<>();

    @Setup
    public void setup() throws Exception {
        pool = ProcessPools.create(2);
        int n = chunksize == 1 ? itemsAtChunksize1 : items;
        for (int i = 0; i < n; i++) {
            input.add(i);
        }
        // start both workers outside the measurement
        try (MapResult<Integer> r = pool.map(INC, input.subList(0, Math.min(n, 4)), MapOptions.defaults())) {
            r.forEach(x -> { });
        }
    }

    @TearDown
    public void tearDown() {
        ProcessPools.close(pool);
    }

    @Benchmark
    public long map() {
        long sum = 0;
        try (MapResult<Integer> results = pool.map(INC, input, MapOptions.defaults().chunksize(chunksize))) {
            for (Integer r : results) {
                sum += r;
            }
        }
        return sum;
    }
}
