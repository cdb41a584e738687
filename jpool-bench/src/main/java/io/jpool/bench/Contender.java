package io.jpool.bench;

import io.jpool.AdaptiveStats;
import io.jpool.ThreadPool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * One executor the adaptive suite measures, with a name for the table and a way to count its
 * worker threads now (for the plot): a fixed-size or {@code adaptive()} jpool {@link ThreadPool},
 * {@code Executors.newCachedThreadPool()}, the common {@link ForkJoinPool}, a virtual thread per
 * task (JDK 21+), or Python's default {@code ThreadPoolExecutor} size {@code min(32, cpus + 4)} as
 * a fixed-size jpool.
 */
public final class Contender implements AutoCloseable {
    private final String name;
    private final ExecutorService executor;
    private final IntSupplier threads;
    private final ThreadPool adaptive;
    private final boolean shared;
    private List<String> changes = List.of();

    private Contender(String name, ExecutorService executor, IntSupplier threads, ThreadPool adaptive, boolean shared) {
        this.name = name;
        this.executor = executor;
        this.threads = threads;
        this.adaptive = adaptive;
        this.shared = shared;
    }

    /** A jpool of {@code n} workers. */
    public static Contender fixed(int n) {
        ThreadPool p = ThreadPool.builder().maxWorkers(n).build();
        return new Contender("fixed " + n, p, () -> p.stats().workers(), null, false);
    }

    /** {@code ThreadPool.builder().adaptive().build()}, its changes of target logged ({@link #changes()}). */
    public static Contender adaptive() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        ThreadPool p = ThreadPool.builder().adaptive().adaptiveListener(st -> log.add(String.format(Locale.ROOT,
                "%6.2f s -> %4d: %s", (System.nanoTime() - t0) / 1e9, st.target(), st.reason()))).build();
        Contender c = new Contender("adaptive", p, () -> p.stats().workers(), p, false);
        c.changes = log;
        return c;
    }

    /** An adaptive pool's changes of target so far, one line each (time since built, target, reason). */
    public List<String> changes() {
        synchronized (changes) {
            return List.copyOf(changes);
        }
    }

    /** Python's default {@code ThreadPoolExecutor} size, {@code min(32, cpus + 4)}, as a fixed jpool. */
    public static Contender pythonDefault() {
        int n = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        ThreadPool p = ThreadPool.builder().maxWorkers(n).build();
        return new Contender("python default (" + n + ")", p, () -> p.stats().workers(), null, false);
    }

    /** {@code Executors.newCachedThreadPool()}: a thread per task in flight, unbounded. */
    public static Contender cached() {
        ThreadPoolExecutor e = (ThreadPoolExecutor) Executors.newCachedThreadPool();
        return new Contender("cached", e, e::getPoolSize, null, false);
    }

    /** {@code ForkJoinPool.commonPool()}: shared by the JVM, never shut down here. */
    public static Contender commonPool() {
        ForkJoinPool p = ForkJoinPool.commonPool();
        return new Contender("common FJP (" + p.getParallelism() + ")", p, p::getPoolSize, null, true);
    }

    /** A virtual thread per task; null on a JVM older than 21. Threads counted: tasks running. */
    public static Contender virtualThreads() {
        if (!VirtualThreads.available()) {
            return null;
        }
        return new Contender("virtual threads", VirtualThreads.newPerTaskExecutor(), () -> -1, null, false);
    }

    public String name() {
        return name;
    }

    public ExecutorService executor() {
        return executor;
    }

    /** Worker threads now; -1 where the executor has none of its own to count (virtual threads). */
    public int threads() {
        return threads.getAsInt();
    }

    /** An adaptive pool's target now; -1 for the others. */
    public int target() {
        return adaptive == null ? -1 : adaptive.adaptiveStats().map(AdaptiveStats::target).orElse(-1);
    }

    /** An adaptive pool's sizing state now (target, ratio, last reason); null for the others. */
    public AdaptiveStats adaptiveStats() {
        return adaptive == null ? null : adaptive.adaptiveStats().orElse(null);
    }

    /** Stops the executor and waits for its threads (the common pool is left running). */
    @Override
    public void close() throws InterruptedException {
        if (shared) {
            return;
        }
        executor.shutdownNow();
        if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not terminate within 60 s of shutdownNow");
        }
    }
}
