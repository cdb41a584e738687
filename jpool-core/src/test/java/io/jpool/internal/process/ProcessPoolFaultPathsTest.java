package io.jpool.internal.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.internal.process.LifecycleHook.Step;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static io.jpool.internal.process.PoolLeaks.assertNothingLeft;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Errors on the pool's own fault paths: an Error after a worker's JVM started but before the pool
 * had a {@link WorkerLink} for it (nothing else knew that JVM to kill it), and an Error while task
 * frames were being written (frames taken from the outbox and never written left their tasks
 * RUNNING for ever). Each test checks that every task ends once and nothing is left.
 */
class ProcessPoolFaultPathsTest {
    private static final int CLOSE_SECONDS = 45;

    /** The pids of live processes whose environment holds {@code name=value} (Linux /proc). */
    static List<Long> processesWith(String name, String value) throws IOException {
        byte[] wanted = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                byte[] env;
                try {
                    env = Files.readAllBytes(dir.resolve("environ"));
                } catch (IOException | RuntimeException e) {
                    continue; // gone, or not ours to read
                }
                if (contains(env, wanted)) {
                    found.add(Long.parseLong(dir.getFileName().toString()));
                }
            }
        }
        return found;
    }

    private static boolean contains(byte[] env, byte[] wanted) {
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start == wanted.length
                        && java.util.Arrays.equals(env, start, i, wanted, 0, wanted.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /** Waits (generously) until no process holds the marker; returns those still alive. */
    static List<Long> survivorsOf(String marker) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Long> alive = processesWith("JPOOL_TEST_MARK", marker);
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            for (long pid : alive) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    try {
                        h.onExit().get(200, TimeUnit.MILLISECONDS);
                    } catch (Exception ignored) {
                        // looked at again below
                    }
                });
            }
            alive = processesWith("JPOOL_TEST_MARK", marker);
        }
        return alive;
    }

    @Test
    void anErrorAfterAWorkersJvmStartedButBeforeItsLinkExistedKillsThatJvm() throws Exception {
        String marker = UUID.randomUUID().toString();
        ProcessPoolCloseHangTest.Thrower hook = new ProcessPoolCloseHangTest.Thrower(Set.of(Step.SPAWNED));
        ProcessPoolImpl pool = ProcessPoolCloseHangTest.pool(ProcessPoolCloseHangTest.builder(1)
                .environment(Map.of("JPOOL_TEST_MARK", marker)));
        pool.lifecycleHook(hook);
        assertThat(pool.submit(() -> 42).get(60, TimeUnit.SECONDS)).as("a second worker ran it").isEqualTo(42);
        assertThat(hook.thrown).contains(Step.SPAWNED);
        assertThat(ProcessPoolCloseHangTest.closeWithin(pool, CLOSE_SECONDS)).isNull();
        assertNothingLeft(pool, hook.workers);
        assertThat(survivorsOf(marker)).as("JVMs started for the pool still alive after close").isEmpty();
    }

    /** Throws an Error at the first {@code times} frame writes it sees. */
    static final class SendThrower implements LifecycleHook {
        final AtomicInteger left;
        final Set<ProcessHandle> workers = java.util.concurrent.ConcurrentHashMap.newKeySet();

        SendThrower(int times) {
            left = new AtomicInteger(times);
        }

        @Override
        public void at(Step step, WorkerLink w) {
            if (w != null) {
                workers.add(w.process.toHandle());
            }
            if (step == Step.SENDING && left.getAndDecrement() > 0) {
                throw new OutOfMemoryError("injected while writing frames");
            }
        }
    }

    /**
     * The frames are written on the thread that gave the task to a worker: here the submitting
     * thread (an idle worker took it at once), then a worker's reader (the next task went to the
     * worker whose reply it read). The task whose reply was being read is delivered, and the one
     * whose frame was lost runs on a replacement.
     */
    @Test
    void anErrorWhileTaskFramesAreWrittenOnAnyThreadRequeuesThoseTasksAndLosesNoReply() throws Exception {
        SendThrower hook = new SendThrower(0);
        ProcessPoolImpl pool = ProcessPoolCloseHangTest.pool(ProcessPoolCloseHangTest.builder(1));
        pool.lifecycleHook(hook);
        assertThat(pool.submit(() -> 0).get(60, TimeUnit.SECONDS)).isZero(); // a worker is idle now
        AtomicIntegerArray callbacks = new AtomicIntegerArray(3);
        List<PoolFuture<Integer>> futures = new ArrayList<>();
        hook.left.set(1);
        futures.add(pool.submit(() -> 10)); // written by this thread
        assertThat(futures.get(0).get(60, TimeUnit.SECONDS)).isEqualTo(10);
        assertThat(pool.submit(() -> 0).get(60, TimeUnit.SECONDS)).isZero(); // the replacement is idle
        futures.add(pool.submit(() -> {
            Thread.sleep(1000); // the next task waits in the queue meanwhile
            return 20;
        }));
        hook.left.set(1);
        futures.add(pool.submit(() -> 30)); // written by the reader of the first one's reply
        for (int i = 0; i < futures.size(); i++) {
            int v = i;
            futures.get(i).addDoneCallback(done -> callbacks.incrementAndGet(v));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).as("task %d", i).isEqualTo((i + 1) * 10);
        }
        assertThat(hook.left.get()).as("both Errors were thrown").isLessThanOrEqualTo(0);
        assertThat(ProcessPoolCloseHangTest.closeWithin(pool, CLOSE_SECONDS)).isNull();
        for (int i = 0; i < futures.size(); i++) {
            assertThat(callbacks.get(i)).as("callback of task %d ran once", i).isEqualTo(1);
        }
        assertNothingLeft(pool, hook.workers);
    }

    @Test
    void aTaskWhoseFramesCanNeverBeWrittenFailsOnceAndTheRestStillRun() throws Exception {
        SendThrower hook = new SendThrower(Integer.MAX_VALUE);
        ProcessPoolImpl pool = ProcessPoolCloseHangTest.pool(ProcessPoolCloseHangTest.builder(1));
        pool.lifecycleHook(hook);
        PoolFuture<Integer> f = pool.submit(() -> 1);
        AtomicInteger callbacks = new AtomicInteger();
        f.addDoneCallback(done -> callbacks.incrementAndGet());
        assertThat(f.exception(Duration.ofSeconds(120))).as("it fails, it does not hang")
                .isInstanceOf(io.jpool.WorkerDiedException.class)
                .hasMessageContaining("could not write to it");
        assertThat(ProcessPoolCloseHangTest.closeWithin(pool, CLOSE_SECONDS)).isNull();
        assertThat(callbacks.get()).isEqualTo(1);
        assertNothingLeft(pool, hook.workers);
    }

    /**
     * Found by ProcessPoolCombinedChaosTest (seed -7252705459186045953, close() hung): an Error
     * while a worker that had just replied was told to exit (recycled after its task) skipped the
     * launch of its replacement, counted but never started, and lost the reply read.
     */
    @Test
    void anErrorWhileARecycledWorkerIsToldToExitLosesNoReplyAndStillStartsItsReplacement() throws Exception {
        ProcessPoolCloseHangTest.Thrower hook = new ProcessPoolCloseHangTest.Thrower(Set.of(Step.RETIRING));
        ProcessPoolImpl pool = ProcessPoolCloseHangTest.pool(ProcessPoolCloseHangTest.builder(1).maxTasksPerWorker(1));
        pool.lifecycleHook(hook);
        PoolFuture<Integer> first = pool.submit(() -> 1);
        PoolFuture<Integer> second = pool.submit(() -> 2);
        assertThat(first.get(60, TimeUnit.SECONDS)).as("the reply read as the Error came").isEqualTo(1);
        assertThat(second.get(60, TimeUnit.SECONDS)).as("run by the replacement").isEqualTo(2);
        assertThat(hook.thrown).contains(Step.RETIRING);
        assertThat(ProcessPoolCloseHangTest.closeWithin(pool, CLOSE_SECONDS)).isNull();
        assertNothingLeft(pool, hook.workers);
    }
}
