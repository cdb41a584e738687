package io.jpool.bench;

import io.jpool.ProcessPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Cold start: {@code build()} of a pool of 2 workers to the first result of a tiny task (worker
 * JVM start, connection, first task). The pool is closed after each measurement, outside it.
 * Score: milliseconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 8)
@Fork(value = 1)
public class ProcessStartupBench {
    private ProcessPool pool;

    @TearDown(Level.Invocation)
    public void close() {
        ProcessPools.close(pool);
        pool = null;
    }

    @Benchmark
    public Integer buildToFirstResult() throws Exception {
        pool = ProcessPools.create(2);
        return pool.submit(ProcessPools.TINY).get();
    }
}
