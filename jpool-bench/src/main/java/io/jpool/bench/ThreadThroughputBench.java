package io.jpool.bench;

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

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of 1M no-op tasks: {@code submitters} threads submit {@value #TASKS} tasks in all as
 * fast as they can (each keeps its futures), then every future is waited for. One operation is
 * one task, so the score is tasks per second, submission to completion.
 *
 * <p>With 2 submitters, the second one is a thread of a helper executor created once per trial
 * and handed its half at the start of each invocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ThreadThroughputBench {
    static final int TASKS = 1_000_000;

    @Param({"jpool", "tpe", "fjp", "vthreads"})
    public String executor;

    @Param({"1", "2"})
    public int submitters;

    /** Worker threads (ignored by vthreads). */
    @Param({"2"})
    public int threads;

    private ExecutorService pool;
    private Executors4.Submitter submitter;
    private ExecutorService helper;
    private final NoopBatch batch = new NoopBatch(TASKS);

    @Setup
    public void setup() {
        if (submitters < 1 || submitters > 2) {
            throw new IllegalArgumentException("submitters must be 1 or 2");
        }
        pool = Executors4.create(executor, threads);
        submitter = Executors4.submitter(pool);
        helper = submitters == 2 ? Executors.newSingleThreadExecutor() : null;
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        Executors4.stop(pool);
        if (helper != null) {
            helper.shutdownNow();
        }
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long oneMillionNoops() throws Exception {
        return batch.run(submitter, helper);
    }
}
