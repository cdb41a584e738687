package io.jpool.process;

import io.jpool.BrokenPoolException;
import io.jpool.ProcessPool;
import io.jpool.WorkerDiedException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ProcessPool#prestart()}: workers started ahead of the first task. */
class ProcessPoolPrestartTest {

    @Test
    void prestartStartsMaxWorkersAndTheFirstTaskRunsOnOneOfThem() throws Exception {
        List<Long> pids;
        try (ProcessPool pool = ProcessSupport.pool(2).build()) {
            assertThat(pool.workerPids()).isEmpty();
            assertThat(pool.prestart().get(60, TimeUnit.SECONDS)).isEqualTo(2);
            pids = new ArrayList<>(pool.workerPids());
            assertThat(pids).hasSize(2);
            long ran = pool.submit(() -> ProcessHandle.current().pid()).get();
            assertThat(pids).contains(ran);
            // all are up: a second call starts none, and no task started another
            assertThat(pool.prestart().get(60, TimeUnit.SECONDS)).isZero();
            assertThat(pool.workerPids()).containsExactlyInAnyOrderElementsOf(pids);
        }
        ProcessSupport.assertAllDead(pids);
    }

    @Test
    void prestartRunsTheInitializerBeforeItCompletes() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1)
                .initializer(() -> System.setProperty("jpool.test.initialized", "yes")).build()) {
            assertThat(pool.prestart().get(60, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(pool.submit(() -> System.getProperty("jpool.test.initialized")).get()).isEqualTo("yes");
        }
    }

    @Test
    void prestartAfterShutdownIsRejected() {
        ProcessPool pool = ProcessSupport.pool(1).build();
        pool.shutdown(true, false);
        assertThatThrownBy(pool::prestart).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("shut down");
        assertThat(pool.workerPids()).isEmpty();
    }

    @Test
    void aWorkerThatCannotStartFailsThePrestartWithTheReason() {
        try (ProcessPool pool = ProcessSupport.pool(1).jvmOptions("-XX:+NoSuchJpoolTestOption").build()) {
            assertThatThrownBy(() -> pool.prestart().get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("could not start")
                    .hasMessageContaining("NoSuchJpoolTestOption");
            assertThat(pool.isShutdown()).isFalse(); // one failed start does not break the pool
        }
    }

    @Test
    void closingWhilePrestartingLeavesNoWorkerAndEndsTheFuture() throws Exception {
        ProcessPool pool = ProcessSupport.pool(2).build();
        java.util.concurrent.CompletableFuture<Integer> f = pool.prestart();
        List<Long> pids = new ArrayList<>(pool.workerPids());
        pool.close();
        pids.addAll(pool.workerPids());
        try {
            f.get(60, TimeUnit.SECONDS); // the workers were up in time, then retired
        } catch (ExecutionException e) {
            assertThat(e.getCause()).hasMessageContaining("could not start"); // or killed while starting
        }
        ProcessSupport.assertAllDead(pids);
        assertThat(pool.workerPids()).isEmpty();
    }

    @Test
    void aFailingInitializerFailsThePrestart() {
        try (ProcessPool pool = ProcessSupport.pool(1).initializer(() -> {
            throw new IllegalStateException("no database");
        }).build()) {
            assertThatThrownBy(() -> pool.prestart().get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(BrokenPoolException.class)
                    .hasMessageContaining("initializer")
                    .hasMessageContaining("no database");
            // the pool is broken now: a second prestart says so at once
            assertThatThrownBy(pool::prestart).isInstanceOf(BrokenPoolException.class);
        }
    }
}
