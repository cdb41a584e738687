package io.jpool.micrometer;

import io.jpool.PoolFuture;
import io.jpool.Task;
import io.jpool.ThreadPool;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A pool's stats and task timer in a SimpleMeterRegistry. */
class PoolMetricsTest {

    @Test
    void gaugesCountersAndTimerFollowThePool() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ThreadPool pool = ThreadPool.create(1)) {
            PoolMetrics metrics = new PoolMetrics(pool, "test", Tags.of("app", "demo"));
            metrics.bindTo(registry);

            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            PoolFuture<Boolean> blocker = metrics.timed(pool.submit(() -> {
                running.countDown();
                return release.await(30, TimeUnit.SECONDS);
            }));
            PoolFuture<Integer> waiting = metrics.timed(pool.submit(() -> 1));
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(registry.get("jpool.pool.busy").tags("name", "test", "app", "demo").gauge().value()).isEqualTo(1.0);
            assertThat(registry.get("jpool.pool.queued").tag("name", "test").gauge().value()).isEqualTo(1.0);
            assertThat(registry.get("jpool.pool.workers").tag("name", "test").gauge().value()).isEqualTo(1.0);
            release.countDown();
            blocker.get(30, TimeUnit.SECONDS);
            waiting.get(30, TimeUnit.SECONDS);
            PoolFuture<Integer> failing = metrics.timed(pool.submit((Task<Integer>) () -> {
                throw new IllegalStateException("no");
            }));
            assertThat(failing.exception(java.time.Duration.ofSeconds(30))).isNotNull();

            assertThat(registry.get("jpool.pool.tasks.submitted").functionCounter().count()).isEqualTo(3.0);
            assertThat(registry.get("jpool.pool.tasks.completed").functionCounter().count()).isEqualTo(2.0);
            assertThat(registry.get("jpool.pool.tasks.failed").functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get("jpool.pool.tasks.cancelled").functionCounter().count()).isEqualTo(0.0);
            // the done-callback that records may still run in the completing thread as get() returns
            awaitTimerCount(registry, "SUCCESS", 2);
            awaitTimerCount(registry, "FAILED", 1);
            Timer ok = registry.get("jpool.pool.task").tags("name", "test", "outcome", "SUCCESS").timer();
            assertThat(ok.count()).isEqualTo(2);
            assertThat(ok.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(registry.get("jpool.pool.task").tags("outcome", "FAILED").timer().count()).isEqualTo(1);
        }
    }

    private static void awaitTimerCount(SimpleMeterRegistry registry, String outcome, long n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Timer t = registry.find("jpool.pool.task").tags("outcome", outcome).timer();
            if (t != null && t.count() >= n) {
                return;
            }
            Thread.yield();
        }
    }

    @Test
    void badArgumentsSayWhatToDo() {
        try (ThreadPool pool = ThreadPool.create(1)) {
            assertThatThrownBy(() -> new PoolMetrics(pool, " ")).hasMessageContaining("pool name is blank");
            PoolMetrics unbound = new PoolMetrics(pool, "p");
            assertThatThrownBy(() -> unbound.timed(pool.submit(() -> 1))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("bindTo(registry)");
        }
    }
}
