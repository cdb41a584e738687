package io.jpool.bench;

import io.jpool.Manager;
import io.jpool.ProcessPool;
import io.jpool.SharedCounter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A Manager proxy operation's round trip from a worker process: one task runs
 * {@value #OPS} {@code counter.incrementAndGet()} calls in the worker, so the score (per
 * operation) carries only 1/{@value #OPS} of a task round trip. Compare with
 * {@link ProcessRoundTripBench#tinyTask} (DESIGN target: a proxy operation at most 1.5x a tiny
 * task's round trip).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ManagerRoundTripBench {
    static final int OPS = 200;

    private Manager manager;
    private ProcessPool pool;
    private SharedCounter counter;

    @Setup
    public void setup() throws Exception {
        manager = Manager.start();
        counter = manager.counter("bench");
        pool = ProcessPools.create(1);
        pool.submit(ProcessPools.TINY).get(); // start the worker outside the measurement
    }

    @TearDown
    public void tearDown() {
        ProcessPools.close(pool);
        manager.close();
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long proxyOpFromWorker() throws Exception {
        SharedCounter c = counter;
        return pool.submit(() -> {
            long last = 0;
            for (int i = 0; i < OPS; i++) {
                last = c.incrementAndGet();
            }
            return last;
        }).get();
    }
}
