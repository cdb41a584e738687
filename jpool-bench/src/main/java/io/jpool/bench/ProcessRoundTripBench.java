package io.jpool.bench;

import io.jpool.ProcessPool;
import io.jpool.Task;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Process-pool round trips on a warm pool of 2 workers, one caller: a tiny task
 * ({@code () -> 1}) and a 1 MiB {@code byte[]} argument echoed back as the result. Compare with
 * {@link UdsPingPongBench}, the raw floor of a Unix-socket round trip between two JVMs.
 * Score: average microseconds per round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ProcessRoundTripBench {
    private ProcessPool pool;
    private Task<byte[]> echo1MiB;

    @Setup
    public void setup() throws Exception {
        pool = ProcessPools.create(2);
        byte[] payload = new byte[1 << 20];
        ThreadLocalRandom.current().nextBytes(payload);
        echo1MiB = () -> payload;
        pool.submit(ProcessPools.TINY).get(); // start a worker outside the measurement
    }

    @TearDown
    public void tearDown() {
        ProcessPools.close(pool);
    }

    @Benchmark
    public Integer tinyTask() throws Exception {
        return pool.submit(ProcessPools.TINY).get();
    }

    @Benchmark
    public int bytes1MiB() throws Exception {
        return pool.submit(echo1MiB).get().length;
    }
}
