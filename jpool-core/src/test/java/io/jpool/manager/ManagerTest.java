package io.jpool.manager;

import io.jpool.Manager;
import io.jpool.ManagerClosedException;
import io.jpool.SharedCounter;
import io.jpool.SharedEvent;
import io.jpool.SharedList;
import io.jpool.SharedLock;
import io.jpool.SharedMap;
import io.jpool.SharedQueue;
import io.jpool.SharedValue;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared objects' semantics, from the caller's JVM and its threads. */
class ManagerTest {

    @Test
    void mapOperationsAreThoseOfAConcurrentMap() {
        try (Manager m = Manager.start()) {
            SharedMap<String, Integer> map = m.map("counts");
            assertThat(map.put("a", 1)).isNull();
            assertThat(map.put("a", 2)).isEqualTo(1);
            assertThat(map.putIfAbsent("a", 5)).isEqualTo(2);
            assertThat(map.putIfAbsent("b", 5)).isNull();
            assertThat(map.merge("a", 10, Integer::sum)).isEqualTo(12);
            assertThat(map.compute("c", (k, v) -> v == null ? k.length() : v + 1)).isEqualTo(1);
            assertThat(map.replace("b", 6)).isEqualTo(5);
            assertThat(map.replace("zz", 6)).isNull();
            assertThat(map.containsKey("zz")).isFalse();
            assertThat(map.size()).isEqualTo(3);
            assertThat(map.snapshot()).isEqualTo(Map.of("a", 12, "b", 6, "c", 1));
            assertThat(map.remove("a")).isEqualTo(12);
            assertThat(map.get("a")).isNull();
            map.clear();
            assertThat(map.size()).isZero();
        }
    }

    @Test
    void sameNameGivesSameObjectAndAnotherKindIsRefused() {
        try (Manager m = Manager.start()) {
            m.<String, Integer>map("x").put("k", 1);
            assertThat(m.<String, Integer>map("x").get("k")).isEqualTo(1);
            assertThatThrownBy(() -> m.list("x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already has a map named \"x\"");
        }
    }

    @Test
    void valuesReadAreCopies() {
        try (Manager m = Manager.start()) {
            SharedMap<String, ArrayList<Integer>> map = m.map("lists");
            map.put("k", new ArrayList<>(List.of(1)));
            map.get("k").add(2); // changes the copy only, as in Python
            assertThat(map.get("k")).containsExactly(1);
        }
    }

    @Test
    void listQueueCounterValueEventBasics() throws Exception {
        try (Manager m = Manager.start()) {
            SharedList<String> list = m.list("log");
            list.add("a");
            list.add("b");
            assertThat(list.set(1, "c")).isEqualTo("b");
            assertThat(list.get(1)).isEqualTo("c");
            assertThat(list.remove(0)).isEqualTo("a");
            assertThat(list.snapshot()).containsExactly("c");

            SharedQueue<Integer> q = m.queue("jobs", 2);
            assertThat(q.offer(1)).isTrue();
            q.put(2);
            assertThat(q.offer(3)).isFalse();
            assertThat(q.offer(3, Duration.ofMillis(20))).isFalse();
            assertThat(q.size()).isEqualTo(2);
            assertThat(q.capacity()).isEqualTo(2);
            assertThat(q.take()).isEqualTo(1);
            assertThat(q.poll()).isEqualTo(2);
            assertThat(q.poll()).isNull();
            assertThat(q.poll(Duration.ofMillis(20))).isNull();

            SharedCounter c = m.counter("done");
            assertThat(c.incrementAndGet()).isEqualTo(1);
            assertThat(c.addAndGet(5)).isEqualTo(6);
            assertThat(c.compareAndSet(6, 10)).isTrue();
            assertThat(c.compareAndSet(6, 11)).isFalse();
            assertThat(c.decrementAndGet()).isEqualTo(9);

            SharedValue<Double> best = m.value("best", 0.0);
            assertThat(best.get()).isEqualTo(0.0);
            assertThat(best.compareAndSet(0.0, 1.5)).isTrue();
            assertThat(best.updateAndGet(v -> v * 2)).isEqualTo(3.0);
            best.set(7.0);
            assertThat(best.get()).isEqualTo(7.0);

            SharedEvent ready = m.event("ready");
            assertThat(ready.isSet()).isFalse();
            assertThat(ready.await(Duration.ofMillis(20))).isFalse();
            ready.set();
            assertThat(ready.await(null)).isTrue();
            ready.clear();
            assertThat(ready.isSet()).isFalse();
        }
    }

    @Test
    void lockIsReentrantAndOwnedByItsThread() throws Exception {
        try (Manager m = Manager.start()) {
            SharedLock lock = m.lock("report");
            lock.lock();
            assertThat(lock.tryLock(Duration.ofMillis(1))).isTrue(); // reentrant
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                assertThat(other.submit(() -> lock.tryLock(Duration.ofMillis(50))).get()).isFalse();
                assertThatThrownBy(() -> other.submit(() -> {
                    lock.unlock();
                    return null;
                }).get()).hasCauseInstanceOf(IllegalMonitorStateException.class);
                lock.unlock();
                lock.unlock();
                assertThat(lock.isLocked()).isFalse();
                assertThat(other.submit(() -> lock.tryLock(Duration.ofSeconds(10))).get()).isTrue();
            } finally {
                other.shutdownNow();
            }
        }
    }

    @Test
    void manyThreadsCountExactly() throws Exception {
        try (Manager m = Manager.start()) {
            SharedMap<String, Integer> counts = m.map("counts");
            SharedCounter total = m.counter("total");
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    fs.add(threads.submit(() -> {
                        for (int i = 0; i < 250; i++) {
                            counts.merge("k", 1, Integer::sum);
                            total.incrementAndGet();
                        }
                    }));
                }
                for (Future<?> f : fs) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(counts.get("k")).isEqualTo(2000);
            assertThat(total.get()).isEqualTo(2000);
        }
    }

    @Test
    void blockedTakeDoesNotBlockOtherCallers() throws Exception {
        try (Manager m = Manager.start()) {
            SharedQueue<String> q = m.queue("q", 10);
            SharedCounter c = m.counter("c");
            CompletableFuture<String> taken = CompletableFuture.supplyAsync(() -> {
                try {
                    return q.take();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(c.incrementAndGet()).isEqualTo(1); // not held up by the blocked take
            q.put("x");
            assertThat(taken.get(30, TimeUnit.SECONDS)).isEqualTo("x");
        }
    }

    @Test
    void unserializableValueFailsAtTheCall() {
        try (Manager m = Manager.start()) {
            SharedMap<String, Object> map = m.map("m");
            assertThatThrownBy(() -> map.put("k", new Object()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not serializable").hasMessageContaining("java.lang.Object");
        }
    }

    @Test
    void closedManagerFailsEveryProxyClearlyAndReleasesWaiters() throws Exception {
        Manager m = Manager.start();
        SharedQueue<String> q = m.queue("q", 1);
        SharedMap<String, String> map = m.map("m");
        SharedEvent e = m.event("e");
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                e.await(null);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        waiting.await();
        m.close();
        assertThat(blocked.get(30, TimeUnit.SECONDS)).isInstanceOf(ManagerClosedException.class);
        assertThatThrownBy(() -> map.get("k")).isInstanceOf(ManagerClosedException.class);
        assertThatThrownBy(q::take).isInstanceOf(ManagerClosedException.class);
    }

    @Test
    void closeRemovesTheSocketDirectory() throws Exception {
        io.jpool.internal.manager.ManagerImpl impl = new io.jpool.internal.manager.ManagerImpl();
        java.nio.file.Path dir = impl.directory();
        assertThat(dir).exists();
        assertThat(java.nio.file.Files.getPosixFilePermissions(dir))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                        java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
        impl.close();
        assertThat(dir).doesNotExist();
    }

    @Test
    void aJvmThatEndsWithoutClosingItsManagerLeavesNoSocketDirectory() throws Exception {
        String dir = ChildJvm.run(() -> new io.jpool.internal.manager.ManagerImpl().directory().toString());
        assertThat(java.nio.file.Path.of(dir)).as("the manager's directory, once its JVM has exited").doesNotExist();
    }

    @Test
    void proxiesAreSerializable() throws Exception {
        try (Manager m = Manager.start()) {
            SharedCounter c = m.counter("c");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(c);
            }
            SharedCounter copy = (SharedCounter) new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
            copy.incrementAndGet();
            assertThat(c.get()).isEqualTo(1);
        }
    }

    @Test
    void closeLeavesNoManagerThreadBehind() throws Exception {
        try (Manager m = Manager.start()) {
            SharedQueue<String> q = m.queue("q", 1);
            q.put("a");
            assertThat(q.take()).isEqualTo("a");
        }
        for (Thread t : managerThreads()) {
            t.join(10_000); // they end asynchronously after close
        }
        assertThat(managerThreads()).isEmpty();
    }

    private static List<Thread> managerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("jpool-manager")).collect(java.util.stream.Collectors.toList());
    }
}
