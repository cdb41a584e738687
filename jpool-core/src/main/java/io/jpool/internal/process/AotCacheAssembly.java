package io.jpool.internal.process;

import io.jpool.internal.util.ProcessTree;
import io.jpool.internal.util.ThreadFactories;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The second step of making a JDK 25+ AOT cache: a JVM in {@code -XX:AOTMode=create} reads the
 * configuration a worker recorded as it exited and writes the cache, off every task's path.
 *
 * <h2>How it works</h2>
 * One small {@code /bin/sh} job runs the assembly JVM, writing to a temporary name in the cache
 * directory; only if that JVM exits with 0 does the job rename the file onto the cache's name
 * ({@code mv} in one directory: one atomic rename), so a worker never maps a half-written cache,
 * and several callers making the same cache at once each rename a whole one (the last wins; a
 * worker already mapping the other keeps it). The job then deletes both temporary files, whatever
 * happened. The rename is the job's, not this JVM's, so a program that closes its pool and exits
 * at once still gets its cache: the job finishes on its own, in seconds. While this JVM lives, a
 * daemon thread waits for the job, kills it past {@link #LIMIT_SECONDS}, and then says it is done.
 * Its output is discarded: a cache that could not be made only costs speed.
 */
final class AotCacheAssembly {
    /** Far above an assembly's usual seconds, for a loaded machine. */
    static final long LIMIT_SECONDS = 120;

    /** $1 configuration, $2 the temporary cache, $3 the cache; then the assembly command. */
    private static final String JOB = "c=$1; t=$2; f=$3; shift 3; \"$@\" && mv -f \"$t\" \"$f\"; rm -f \"$c\" \"$t\"";

    private AotCacheAssembly() {
    }

    /**
     * Starts {@code command}, which writes {@code made} from {@code configuration}; if it succeeds,
     * {@code made} becomes {@code cache}. {@code done} runs once the job ended (or could not start,
     * or was killed), on a daemon thread.
     */
    static void start(List<String> command, Map<String, String> environment, Path configuration, Path made,
            Path cache, Runnable done) {
        List<String> job = new ArrayList<>(List.of("/bin/sh", "-c", JOB, "jpool-aot-cache",
                configuration.toString(), made.toString(), cache.toString()));
        job.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(job).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(environment);
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close();
            ThreadFactories.startDaemon("jpool-aot-cache-" + p.pid(), () -> awaitThen(p, done));
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            deleteQuietly(configuration);
            deleteQuietly(made);
            done.run();
        }
    }

    private static void awaitThen(Process p, Runnable done) {
        try {
            if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                ProcessTree.destroy(p);
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            ProcessTree.destroy(p);
        } finally {
            done.run();
        }
    }

    static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a cache: tidy it next time
        }
    }
}
