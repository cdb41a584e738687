package io.jpool.process;

import io.jpool.Manager;
import io.jpool.MapOptions;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.SharedEvent;
import io.jpool.SharedLock;
import io.jpool.SharedMap;
import io.jpool.TaskTimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Manager proxies used from ProcessPool workers, the way the README shows them. */
class ManagerInProcessPoolTest {

    @Test
    void workersMergingIntoASharedMapGiveExactTotals() throws Exception {
        try (Manager manager = Manager.start(); ProcessPool pool = ProcessSupport.pool(2).build()) {
            SharedMap<String, Integer> counts = manager.map("counts");
            List<Integer> items = IntStream.range(0, 400).boxed().collect(Collectors.toList());
            List<Long> pids = pool.map((Integer i) -> {
                counts.merge(i % 2 == 0 ? "even" : "odd", 1, Integer::sum);
                counts.merge("all", i, Integer::sum);
                return ProcessHandle.current().pid();
            }, items, MapOptions.defaults().chunksize(20)).stream().distinct().collect(Collectors.toList());
            assertThat(pids).doesNotContain(ProcessHandle.current().pid());
            assertThat(counts.get("even")).isEqualTo(200);
            assertThat(counts.get("odd")).isEqualTo(200);
            assertThat(counts.get("all")).isEqualTo(399 * 400 / 2);
        }
    }

    @Test
    void aLockHeldByATaskKilledAtItsTimeoutIsReleased() throws Exception {
        try (Manager manager = Manager.start(); ProcessPool pool = ProcessSupport.pool(1).build()) {
            SharedLock lock = manager.lock("report");
            SharedEvent locked = manager.event("locked");
            // a started worker with its manager connection open: the 2 s limit covers only the hold
            assertThat(pool.submit(() -> locked.isSet()).get(60, TimeUnit.SECONDS)).isFalse();
            PoolFuture<Object> holder = pool.submit(() -> {
                lock.lock();
                locked.set();
                Thread.sleep(Long.MAX_VALUE);
                return null;
            }, Duration.ofSeconds(2));
            assertThat(locked.await(Duration.ofSeconds(60))).isTrue();
            assertThat(lock.tryLock(Duration.ZERO)).isFalse();
            assertThat(holder.exception(null)).isInstanceOf(TaskTimeoutException.class);
            assertThat(lock.tryLock(Duration.ofSeconds(30))).as("released when its holder's process died").isTrue();
            lock.unlock();
            assertThat(pool.submit(() -> lock.tryLock(Duration.ofSeconds(5))).get(60, TimeUnit.SECONDS)).isTrue();
        }
    }
}
