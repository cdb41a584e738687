package io.jpool.internal.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.internal.process.LifecycleHook.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.jpool.internal.process.PoolLeaks.assertNothingLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code close()} returns whatever happens to a worker on its way: an Error thrown at any step of
 * its life on whichever thread takes that step (the pool's {@link LifecycleHook}), a worker that
 * is stopped (SIGSTOP) while idle or before it connects, an initializer that never ends. Each
 * test closes the pool within a bound and then finds no worker process, no pool thread and no
 * private directory left.
 */
class ProcessPoolCloseHangTest {
    /** The grace a worker told to exit gets here before it is killed: short, to keep the tests quick. */
    private static final Duration GRACE = Duration.ofSeconds(2);
    /** How long close() may take: far above the grace, for a loaded machine, far below a hang. */
    private static final int CLOSE_SECONDS = 45;

    static ProcessPoolImpl pool(ProcessPool.Builder builder) {
        ProcessPoolImpl pool = (ProcessPoolImpl) builder.build();
        pool.exitGrace(GRACE);
        return pool;
    }

    static ProcessPool.Builder builder(int workers) {
        return ProcessPool.builder().maxWorkers(workers).jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1")
                .workerOutput(io.jpool.WorkerOutput.DISCARD);
    }

    /** A hook that throws an Error the first time each of {@code steps} is reached, and records the workers it saw. */
    static final class Thrower implements LifecycleHook {
        final Set<Step> steps;
        final Set<Step> thrown = ConcurrentHashMap.newKeySet();
        final Set<ProcessHandle> workers = ConcurrentHashMap.newKeySet();
        /** Opens once a worker's process exists. */
        final CountDownLatch launched = new CountDownLatch(1);

        Thrower(Set<Step> steps) {
            this.steps = steps;
        }

        @Override
        public void at(Step step, WorkerLink w) {
            if (w != null) {
                workers.add(w.process.toHandle());
            }
            if (step == Step.LAUNCHED) {
                launched.countDown();
            }
            if (steps.contains(step) && thrown.add(step)) {
                throw step.ordinal() % 2 == 0 ? new OutOfMemoryError("injected at " + step)
                        : new StackOverflowError("injected at " + step);
            }
        }
    }

    /** Closes on another thread; returns what close() threw (null if nothing) once it ended in time. */
    static Throwable closeWithin(ProcessPool pool, int seconds) throws Exception {
        CompletableFuture<Void> closed = CompletableFuture.runAsync(pool::close);
        try {
            closed.get(seconds, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void anErrorAtAnyStepOfAWorkersLifeLeavesCloseReturning(Step step) throws Exception {
        // a start must fail for START_FAILED to be reached: an Error as it launches does that
        Thrower hook = new Thrower(step == Step.START_FAILED ? Set.of(Step.LAUNCHED, step) : Set.of(step));
        ProcessPoolImpl pool = pool(builder(1));
        pool.lifecycleHook(hook);
        PoolFuture<Integer> f = pool.submit(() -> 42);
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(42);
        Throwable closeError = closeWithin(pool, CLOSE_SECONDS);
        if (closeError != null) { // the closing thread met the Error itself, and says so
            assertThat(step).isEqualTo(Step.RETIRING);
            assertThat(closeError).hasMessage("injected at " + step);
        }
        assertThat(pool.awaitTermination(CLOSE_SECONDS, TimeUnit.SECONDS)).as("terminated").isTrue();
        assertThat(hook.thrown).as("the Error was thrown").contains(step);
        assertNothingLeft(pool, hook.workers);
    }

    /** The task halts its worker on its first run and answers on its second. */
    @ParameterizedTest
    @EnumSource(value = Step.class, names = {"WORKER_EXITED", "WORKER_COUNTED_OUT"})
    void anErrorWhileADeadWorkerIsCountedOutStillRetriesItsTask(Step step, @TempDir Path dir) throws Exception {
        Thrower hook = new Thrower(Set.of(step));
        ProcessPoolImpl pool = pool(builder(1).retries(1));
        pool.lifecycleHook(hook);
        String marker = dir.resolve("ran").toString();
        PoolFuture<Integer> f = pool.submit(() -> {
            Path m = Path.of(marker);
            if (!Files.exists(m)) {
                Files.createFile(m);
                Runtime.getRuntime().halt(3);
            }
            return 42;
        });
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(42);
        assertThat(closeWithin(pool, CLOSE_SECONDS)).isNull();
        assertThat(hook.thrown).contains(step);
        assertNothingLeft(pool, hook.workers);
    }

    @Test
    void aStoppedIdleWorkerIsKilledAfterTheGraceWhenThePoolCloses() throws Exception {
        Thrower hook = new Thrower(Set.of());
        ProcessPoolImpl pool = pool(builder(1));
        pool.lifecycleHook(hook);
        long pid = pool.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS);
        signal("STOP", pid);
        long start = System.nanoTime();
        assertThat(closeWithin(pool, CLOSE_SECONDS)).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("it waited for the grace").isGreaterThanOrEqualTo(GRACE);
        assertNothingLeft(pool, hook.workers);
    }

    @Test
    void aWorkerStoppedBeforeItConnectsIsKilledAfterTheGraceWhenThePoolCloses(@TempDir Path home) throws Exception {
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        String realJava = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(java, "#!/bin/sh\nkill -STOP $$\nexec '" + realJava + "' \"$@\"\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        Thrower hook = new Thrower(Set.of());
        ProcessPoolImpl pool = pool(builder(1).javaHome(home).classDataSharing(false));
        pool.lifecycleHook(hook);
        CompletableFuture<Integer> started = pool.prestart();
        awaitLaunched(hook);
        assertThat(closeWithin(pool, CLOSE_SECONDS)).as("close() (a start waits 60 s for a HELLO)").isNull();
        assertThat(started).isCompletedExceptionally();
        assertNothingLeft(pool, hook.workers);
    }

    @Test
    void aWorkerWhoseInitializerNeverEndsIsKilledAfterTheGraceWhenThePoolCloses() throws Exception {
        Thrower hook = new Thrower(Set.of());
        ProcessPoolImpl pool = pool(builder(1).initializer(ProcessPoolCloseHangTest::parkForEver));
        pool.lifecycleHook(hook);
        CompletableFuture<Integer> started = pool.prestart();
        awaitLaunched(hook);
        assertThat(closeWithin(pool, CLOSE_SECONDS)).isNull();
        assertThatThrownBy(started::join).hasMessageContaining("could not start");
        assertNothingLeft(pool, hook.workers);
    }

    @Test
    void anErrorAsAWorkerIsPutToWorkLetsAnotherTakeItsTask() throws Exception {
        Thrower hook = new Thrower(Set.of(Step.WORKER_READY));
        ProcessPoolImpl pool = pool(builder(1));
        pool.lifecycleHook(hook);
        assertThat(pool.submit(() -> 7).get(60, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(hook.workers).as("a second worker ran it").hasSize(2);
        assertThat(closeWithin(pool, CLOSE_SECONDS)).isNull();
        assertNothingLeft(pool, hook.workers);
    }

    /** Waits until a worker's process exists (its pid was seen by the hook). */
    static void awaitLaunched(Thrower hook) throws InterruptedException {
        assertThat(hook.launched.await(60, TimeUnit.SECONDS)).as("a worker launched").isTrue();
    }

    /** An initializer that never ends. */
    static void parkForEver() {
        for (;;) {
            java.util.concurrent.locks.LockSupport.park();
        }
    }

    static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", signal, pid).isZero();
    }
}
