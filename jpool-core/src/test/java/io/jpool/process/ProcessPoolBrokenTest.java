package io.jpool.process;

import io.jpool.BrokenPoolException;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * When a process pool breaks, no task is stranded: every task not yet done fails with
 * {@link BrokenPoolException}, retries included, and {@code close()} returns. A task whose frame
 * never reached its worker whole (the worker died as it was sent) never ran, so it is sent again
 * without using up a retry.
 */
class ProcessPoolBrokenTest {

    /** Waits for {@code file} to exist: a cross-process signal from a task. */
    static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                fail("no " + file + " within 60 s");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aTaskDueForARetryWhenThePoolBreaksFailsWithBrokenPool(@TempDir Path dir) throws Exception {
        String firstWorker = dir.resolve("first-worker").toString();
        Path started = dir.resolve("started");
        Path go = dir.resolve("go");
        String startedName = started.toString();
        String goName = go.toString();
        ProcessPool pool = ProcessSupport.pool(2).retries(1).initializer(() -> {
            try {
                if (!new File(firstWorker).createNewFile()) {
                    throw new IllegalStateException("only the first worker may start");
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).build();
        try {
            PoolFuture<Integer> dying = pool.submit(() -> {
                new File(startedName).createNewFile();
                while (!new File(goName).exists()) {
                    Thread.sleep(5);
                }
                Runtime.getRuntime().halt(1); // due for a retry, but the pool broke meanwhile
                return 0;
            });
            awaitFile(started);
            PoolFuture<Integer> second = pool.submit(() -> 2); // starts the second worker, whose initializer fails
            assertThat(second.exception(Duration.ofSeconds(60))).isInstanceOf(BrokenPoolException.class)
                    .hasMessageContaining("initializer");
            Files.createFile(go);
            assertThat(dying.exception(Duration.ofSeconds(60))).isInstanceOf(BrokenPoolException.class)
                    .hasMessageContaining("initializer");
        } finally {
            ProcessPoolReaderFaultsTest.closeWithin(pool, 60);
        }
        assertThat(pool.isTerminated()).isTrue();
        assertThat(pool.workerPids()).isEmpty();
    }

    @Test
    void aTaskSentToADyingWorkerIsNotFailedForIt() throws Exception {
        Random random = new Random();
        ProcessPool pool = ProcessSupport.pool(1).retries(0).build();
        try {
            for (int round = 0; round < 8; round++) {
                int delayMillis = random.nextInt(40);
                // the worker answers, then halts a moment later: the next task is sent to it as it dies
                PoolFuture<Integer> answer = pool.submit(() -> {
                    Thread halter = new Thread(() -> {
                        try {
                            Thread.sleep(delayMillis);
                        } catch (InterruptedException ignored) {
                            // halt anyway
                        }
                        Runtime.getRuntime().halt(1);
                    });
                    halter.start();
                    return 1;
                });
                try {
                    answer.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // it halted before its answer went out: no matter, the next task is the point
                }
                byte[] big = new byte[16 << 20];
                big[big.length - 1] = 7;
                PoolFuture<Integer> next = pool.submit(() -> (int) big[big.length - 1]);
                try {
                    assertThat(next.get(60, TimeUnit.SECONDS)).isEqualTo(7);
                } catch (ExecutionException e) {
                    // it may have reached the worker whole and died with it; a failed send is no reason
                    assertThat(e.getCause().getMessage()).as("round %d, halt after %d ms", round, delayMillis)
                            .doesNotContain("channel failed");
                }
            }
        } finally {
            ProcessPoolReaderFaultsTest.closeWithin(pool, 60);
        }
    }
}
