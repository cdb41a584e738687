package io.jpool.manager;

import io.jpool.Manager;
import io.jpool.ManagerClosedException;
import io.jpool.RunnableTask;
import io.jpool.SharedCounter;
import io.jpool.SharedEvent;
import io.jpool.SharedList;
import io.jpool.SharedLock;
import io.jpool.SharedMap;
import io.jpool.SharedQueue;
import io.jpool.SharedValue;
import io.jpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shared objects used the way Java code uses its own types. */
class ManagerJavaTypesTest {

    @Test
    void aSharedMapIsAConcurrentMap() {
        try (Manager m = Manager.start()) {
            ConcurrentMap<String, Integer> map = m.map("counts");
            assertThat(map.isEmpty()).isTrue();
            map.putAll(Map.of("a", 1, "b", 2));
            assertThat(map.getOrDefault("a", 0)).isEqualTo(1);
            assertThat(map.getOrDefault("z", 0)).isEqualTo(0);
            assertThat(map.containsValue(2)).isTrue();
            assertThat(map.replace("a", 9, 10)).isFalse();
            assertThat(map.replace("a", 1, 10)).isTrue();
            assertThat(map.remove("b", 3)).isFalse();
            assertThat(map.remove("b", 2)).isTrue();
            // plain (not serializable) functions, as generic ConcurrentMap code passes them
            Function<String, Integer> length = String::length;
            BiFunction<Integer, Integer, Integer> sum = Integer::sum;
            assertThat(map.computeIfAbsent("four", length)).isEqualTo(4);
            assertThat(map.computeIfAbsent("four", k -> -1)).isEqualTo(4);
            assertThat(map.merge("a", 5, sum)).isEqualTo(15);
            assertThat(map.compute("a", (k, v) -> v == null ? 0 : v * 2)).isEqualTo(30);
            assertThat(map.computeIfPresent("four", (k, v) -> null)).isNull();
            assertThat(map).containsOnlyKeys("a");
            assertThat(map.keySet()).containsExactly("a");
            assertThat(map.values()).containsExactly(30);
        }
    }

    @Test
    void iterationIsOverASnapshotThatLaterChangesDoNotDisturb() {
        try (Manager m = Manager.start()) {
            SharedMap<Integer, String> map = m.map("m");
            for (int i = 0; i < 100; i++) {
                map.put(i, "v" + i);
            }
            List<Integer> seen = new ArrayList<>();
            for (Map.Entry<Integer, String> e : map.entrySet()) {
                map.remove(e.getKey() + 1); // would break a live iterator of a HashMap
                seen.add(e.getKey());
            }
            assertThat(seen).hasSize(100);
            assertThatThrownBy(() -> map.entrySet().iterator().next().setValue("x"))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> map.keySet().clear()).isInstanceOf(UnsupportedOperationException.class);
            assertThat(seen).doesNotHaveDuplicates();
        }
    }

    @Test
    void computeIfAbsentWithASerializableFunctionRunsOnceOnTheManager() throws Exception {
        try (Manager m = Manager.start(); ThreadPool pool = ThreadPool.builder().maxWorkers(8).build()) {
            SharedMap<String, Integer> map = m.map("m");
            SharedCounter calls = m.counter("calls");
            List<CompletableFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(CompletableFuture.supplyAsync(() -> map.computeIfAbsent("k", k -> (int) calls.incrementAndGet()), pool));
            }
            for (CompletableFuture<Integer> f : all) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(1);
            }
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @Test
    void toStringShowsTheContentsAsPythonsProxiesDo() {
        SharedMap<String, Integer> map;
        try (Manager m = Manager.start()) {
            map = m.map("m");
            map.put("a", 1);
            SharedList<Integer> list = m.list("l");
            list.add(1);
            list.add(2);
            SharedCounter counter = m.counter("n");
            counter.addAndGet(3);
            SharedValue<String> value = m.value("v", "x");
            SharedQueue<String> queue = m.queue("q", 5);
            queue.offer("e");
            SharedLock lock = m.lock("lk");
            SharedEvent event = m.event("ev");
            assertThat(map).hasToString("{a=1}");
            assertThat(list).hasToString("[1, 2]");
            assertThat(counter).hasToString("SharedCounter[n]=3");
            assertThat(value).hasToString("SharedValue[v]=x");
            assertThat(queue).hasToString("SharedQueue[q] 1 of 5");
            assertThat(lock).hasToString("SharedLock[lk] free");
            assertThat(event).hasToString("SharedEvent[ev] clear");
        }
        assertThat(map.toString()).startsWith("SharedMap[m] @ manager").contains(ManagerClosedException.class.getSimpleName());
    }

    @Test
    void lockAndQueueFitARunnableTaskWithoutATryCatch() throws Exception {
        try (Manager m = Manager.start()) {
            SharedLock lock = m.lock("l");
            SharedQueue<Integer> q = m.queue("q", 2);
            SharedList<Boolean> lockedInside = m.list("inside");
            RunnableTask task = () -> {
                try (SharedLock.Held held = lock.acquire()) {
                    lockedInside.add(lock.isLocked());
                    q.putUnchecked(q.takeUnchecked() + 1);
                }
            };
            q.put(41);
            task.run();
            assertThat(lockedInside.snapshot()).containsExactly(true);
            assertThat(lock.isLocked()).isFalse();
            assertThat(q.take()).isEqualTo(42);
            SharedLock.Held held = lock.acquire();
            held.close();
            held.close(); // a second close releases nothing more
            assertThat(lock.isLocked()).isFalse();
        }
    }

    @Test
    void anInterruptedUncheckedTakeSaysSoAndKeepsTheFlag() throws Exception {
        try (Manager m = Manager.start()) {
            SharedQueue<Integer> q = m.queue("q", 2);
            SharedEvent started = m.event("started");
            CountDownLatch done = new CountDownLatch(1);
            List<Object> outcome = new ArrayList<>();
            Thread t = new Thread(() -> {
                started.set();
                try {
                    outcome.add(q.takeUnchecked());
                } catch (IllegalStateException e) {
                    outcome.add(e.getCause().getClass().getSimpleName() + " " + Thread.currentThread().isInterrupted());
                }
                done.countDown();
            });
            t.start();
            assertThat(started.await(Duration.ofSeconds(30))).isTrue();
            t.interrupt();
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(outcome).containsExactly("InterruptedException true");
            assertThat(q.size()).isZero();
        }
    }
}
