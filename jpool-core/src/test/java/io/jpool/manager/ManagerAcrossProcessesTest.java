package io.jpool.manager;

import io.jpool.Manager;
import io.jpool.SharedCounter;
import io.jpool.SharedEvent;
import io.jpool.SharedList;
import io.jpool.SharedLock;
import io.jpool.SharedMap;
import io.jpool.SharedQueue;
import io.jpool.Task;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared objects used from other JVMs (bare child JVMs, so these tests need no ProcessPool). */
class ManagerAcrossProcessesTest {

    private static <T> List<T> runAll(List<Task<T>> tasks) throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (Task<T> t : tasks) {
                fs.add(starters.submit(() -> ChildJvm.run(t)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) {
                out.add(f.get(120, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            starters.shutdownNow();
        }
    }

    @Test
    void fourProcessesTimesAThousandMergesGiveExactTotals() throws Exception {
        try (Manager m = Manager.start()) {
            SharedMap<String, Integer> counts = m.map("counts");
            SharedCounter done = m.counter("done");
            List<Task<Long>> tasks = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                tasks.add(() -> {
                    for (int i = 0; i < 1000; i++) {
                        counts.merge(i % 2 == 0 ? "even" : "odd", 1, Integer::sum);
                        done.incrementAndGet();
                    }
                    return ProcessHandle.current().pid();
                });
            }
            List<Long> pids = runAll(tasks);
            assertThat(new HashSet<>(pids)).hasSize(4).doesNotContain(ProcessHandle.current().pid());
            assertThat(counts.get("even")).isEqualTo(2000);
            assertThat(counts.get("odd")).isEqualTo(2000);
            assertThat(done.get()).isEqualTo(4000);
        }
    }

    @Test
    void producerConsumerAcrossProcessesLosesAndDuplicatesNothing() throws Exception {
        try (Manager m = Manager.start()) {
            SharedQueue<Integer> jobs = m.queue("jobs", 16);
            SharedList<Integer> consumed = m.list("consumed");
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int base = p * 1000;
                tasks.add(() -> {
                    for (int i = 0; i < 300; i++) {
                        jobs.put(base + i);
                    }
                    jobs.put(-1); // one poison pill per producer
                    return 0;
                });
            }
            for (int c = 0; c < 2; c++) {
                tasks.add(() -> {
                    int n = 0;
                    for (Integer job; (job = jobs.take()) != -1; n++) {
                        consumed.add(job);
                    }
                    return n;
                });
            }
            List<Integer> counts = runAll(tasks);
            assertThat(counts.get(2) + counts.get(3)).isEqualTo(600);
            List<Integer> all = consumed.snapshot();
            assertThat(all).hasSize(600).doesNotHaveDuplicates();
            Set<Integer> expected = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                expected.add(i);
                expected.add(1000 + i);
            }
            assertThat(new HashSet<>(all)).isEqualTo(expected);
        }
    }

    @Test
    void lockHeldByAProcessThatDiesIsReleased() throws Exception {
        try (Manager m = Manager.start()) {
            SharedLock lock = m.lock("report");
            SharedEvent locked = m.event("locked");
            SharedEvent never = m.event("never");
            Process child = ChildJvm.start(() -> {
                lock.lock();
                locked.set();
                never.await(null); // hold the lock until killed
                return null;
            });
            try {
                assertThat(locked.await(Duration.ofSeconds(60))).isTrue();
                assertThat(lock.tryLock(Duration.ofMillis(10))).isFalse();
                child.destroyForcibly();
                assertThat(lock.tryLock(Duration.ofSeconds(30))).isTrue();
                lock.unlock();
            } finally {
                child.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void processKilledWhileBlockedInTakeLeavesNoGhostWaiter() throws Exception {
        try (Manager m = Manager.start()) {
            SharedQueue<String> q = m.queue("q", 10);
            SharedEvent waiting = m.event("waiting");
            Process child = ChildJvm.start(() -> {
                waiting.set();
                return q.take();
            });
            try {
                assertThat(waiting.await(Duration.ofSeconds(60))).isTrue();
                child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                q.put("precious");
                assertThat(q.poll(Duration.ofSeconds(10))).isEqualTo("precious");
            } finally {
                child.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void manyThreadsInOneProcessShareItsConnection() throws Exception {
        try (Manager m = Manager.start()) {
            SharedCounter counter = m.counter("n");
            SharedQueue<String> q = m.queue("q", 1);
            Long total = ChildJvm.run(() -> {
                // one thread blocks in take while eight others count through the same connection
                CompletableFuture<String> blocked = CompletableFuture.supplyAsync(() -> {
                    try {
                        return q.take();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                ExecutorService threads = Executors.newFixedThreadPool(8);
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    fs.add(threads.submit(() -> {
                        for (int i = 0; i < 200; i++) {
                            counter.incrementAndGet();
                        }
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                threads.shutdown();
                q.put("release");
                return counter.get() + (blocked.get().equals("release") ? 0 : 1_000_000);
            });
            assertThat(total).isEqualTo(1600);
        }
    }

    @Test
    void aConnectionWithoutTheTokenIsDropped() throws Exception {
        io.jpool.internal.manager.ManagerImpl impl = new io.jpool.internal.manager.ManagerImpl();
        try {
            SharedCounter c = impl.counter("c");
            try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                ch.connect(java.net.UnixDomainSocketAddress.of(impl.directory().resolve("s")));
                java.nio.ByteBuffer forged = java.nio.ByteBuffer.allocate(4 + 32).putInt(32);
                forged.position(0);
                ch.write(forged);
                // the server hangs up on a wrong token without reading anything else
                assertThat(ch.read(java.nio.ByteBuffer.allocate(1))).isEqualTo(-1);
            }
            assertThat(c.incrementAndGet()).isEqualTo(1);
        } finally {
            impl.close();
        }
    }
}
