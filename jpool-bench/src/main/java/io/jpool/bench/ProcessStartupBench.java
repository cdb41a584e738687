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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Cold start: {@code build()} of a pool of 2 workers to the first result of a tiny task (worker
 * JVM start, connection, first task). The pool is closed after each measurement, outside it.
 * Score: milliseconds.
 *
 * <p>Measured as a program's second and later runs find it: with the workers' class-data archive
 * (JDK 25: AOT cache) made. The trial's setup runs one pool first, then waits for the AOT cache's
 * background assembly, if one is pending, to end (each {@code run.sh} rebuilds the jars, so their
 * archive is new).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 8)
@Fork(value = 1)
public class ProcessStartupBench {
    private ProcessPool pool;

    @Setup(Level.Trial)
    public void makeTheArchive() throws Exception {
        long since = System.currentTimeMillis() - 1000;
        ProcessPool first = ProcessPools.create(2);
        try {
            first.submit(ProcessPools.TINY).get();
        } finally {
            ProcessPools.close(first);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path dir = (xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("jpool").resolve("cds");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (assemblyPending(dir, since) && System.nanoTime() < deadline) {
            Thread.sleep(100); // another process's files to watch: nothing to wait on
        }
    }

    /**
     * True while an AOT configuration or a cache being assembled, written since {@code since}
     * (not one left by a killed run), sits in {@code dir}.
     */
    private static boolean assemblyPending(Path dir, long since) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> {
                String n = f.getFileName().toString();
                try {
                    return n.contains(".aot.") && n.endsWith(".tmp")
                            && Files.getLastModifiedTime(f).toMillis() >= since;
                } catch (IOException gone) {
                    return false; // renamed or deleted meanwhile
                }
            });
        }
    }

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
