package io.jpool.micrometer;

import io.jpool.Pool;
import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds a jpool {@link Pool}'s statistics to a Micrometer {@link MeterRegistry}, as Micrometer's
 * {@code ExecutorServiceMetrics} does for the JDK's executors. Every meter is tagged
 * {@code name=<pool name>} plus the tags given.
 *
 * <ul>
 *   <li>gauges {@code jpool.pool.workers}, {@code jpool.pool.busy} and
 *       {@code jpool.pool.queued};</li>
 *   <li>function counters {@code jpool.pool.tasks.submitted}, {@code jpool.pool.tasks.completed},
 *       {@code jpool.pool.tasks.failed} and {@code jpool.pool.tasks.cancelled};</li>
 *   <li>with {@link #timed(PoolFuture)}, the timer {@code jpool.pool.task} (tagged
 *       {@code outcome=SUCCESS|FAILED|CANCELLED}): from that call, usually right after submit,
 *       to the task's end, so it counts the wait in the queue too.</li>
 * </ul>
 *
 * <pre>{@code
 * PoolMetrics metrics = new PoolMetrics(pool, "crawler");
 * metrics.bindTo(registry);
 * metrics.timed(pool.submit(() -> fetch(url)));
 * }</pre>
 *
 * <p>The gauges read {@link Pool#stats()} when the registry polls them; the registry holds the
 * pool weakly, as Micrometer gauges do, so binding does not keep a closed pool alive.
 */
public final class PoolMetrics implements MeterBinder {
    private final Pool pool;
    private final Tags tags;
    private volatile MeterRegistry registry;

    /**
     * @param pool the pool to observe
     * @param name the pool's name, the {@code name} tag of every meter
     * @param extraTags more tags for every meter
     */
    public PoolMetrics(Pool pool, String name, Iterable<Tag> extraTags) {
        this.pool = Objects.requireNonNull(pool, "pool is null");
        Objects.requireNonNull(name, "pool name is null: give the name the meters are tagged with");
        if (name.isBlank()) {
            throw new IllegalArgumentException("pool name is blank: give the name the meters are tagged with");
        }
        this.tags = Tags.of("name", name).and(Objects.requireNonNull(extraTags, "tags are null (give Tags.empty())"));
    }

    /** {@link #PoolMetrics(Pool, String, Iterable)} with no extra tags. */
    public PoolMetrics(Pool pool, String name) {
        this(pool, name, Tags.empty());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry is null");
        gauge(registry, "jpool.pool.workers", "worker threads or processes alive now", s -> s.workers());
        gauge(registry, "jpool.pool.busy", "workers running a task now", s -> s.busy());
        gauge(registry, "jpool.pool.queued", "tasks waiting to start", s -> s.queued());
        counter(registry, "jpool.pool.tasks.submitted", "tasks accepted", s -> s.submitted());
        counter(registry, "jpool.pool.tasks.completed", "tasks that ended in SUCCESS", s -> s.completed());
        counter(registry, "jpool.pool.tasks.failed", "tasks that ended in FAILED", s -> s.failed());
        counter(registry, "jpool.pool.tasks.cancelled", "tasks that ended in CANCELLED", s -> s.cancelled());
        this.registry = registry;
    }

    /**
     * Times {@code future} from now to its end in the timer {@code jpool.pool.task}, tagged with
     * its outcome.
     *
     * @return {@code future}
     * @throws IllegalStateException if {@link #bindTo} was not called
     */
    public <T> PoolFuture<T> timed(PoolFuture<T> future) {
        Objects.requireNonNull(future, "future is null");
        MeterRegistry r = registry;
        if (r == null) {
            throw new IllegalStateException("bind the metrics first: metrics.bindTo(registry)");
        }
        long start = r.config().clock().monotonicTime();
        return future.addDoneCallback(f -> Timer.builder("jpool.pool.task")
                .description("time from submit to end of a task")
                .tags(tags).tag("outcome", f.status().name())
                .register(r)
                .record(r.config().clock().monotonicTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<PoolStats> f) {
        Gauge.builder(name, pool, p -> f.applyAsDouble(p.stats())).description(description).tags(tags)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<PoolStats> f) {
        FunctionCounter.builder(name, pool, p -> f.applyAsDouble(p.stats())).description(description).tags(tags)
                .register(registry);
    }
}
