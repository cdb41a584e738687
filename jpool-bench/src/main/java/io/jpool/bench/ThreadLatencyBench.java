package io.jpool.bench;

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

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Submit-to-get latency of a no-op: one caller thread submits, then waits for the result, so the
 * pool is idle between tasks and every task pays a worker wake-up (the typical request/response
 * use). Score: average microseconds per round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ThreadLatencyBench {
    @Param({"jpool", "tpe", "fjp", "vthreads"})
    public String executor;

    /** Worker threads (ignored by vthreads). */
    @Param({"2"})
    public int threads;

    private ExecutorService pool;
    private Executors4.Submitter submitter;

    @Setup
    public void setup() {
        pool = Executors4.create(executor, threads);
        submitter = Executors4.submitter(pool);
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        Executors4.stop(pool);
    }

    @Benchmark
    public Integer submitGet() throws Exception {
        return submitter.submitNoop().get();
    }
}
