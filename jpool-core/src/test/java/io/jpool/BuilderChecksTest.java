package io.jpool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every builder setter rejects a bad argument at once, with a message that names the setting,
 * says what was wrong and shows the value given; and both pools' submits reject the same bad
 * input with the same words.
 */
class BuilderChecksTest {

    @Test
    void threadPoolBuilderSaysWhatWasWrong() {
        rejects(IllegalArgumentException.class, "maxWorkers must be at least 1, got 0",
                () -> ThreadPool.builder().maxWorkers(0));
        rejects(IllegalArgumentException.class, "adaptive min must be at least 1, got 0",
                () -> ThreadPool.builder().adaptive(0, 4));
        rejects(IllegalArgumentException.class, "adaptive max must be at least min (5), got 4",
                () -> ThreadPool.builder().adaptive(5, 4));
        rejects(NullPointerException.class, "adaptiveListener is null",
                () -> ThreadPool.builder().adaptiveListener(null));
        rejects(NullPointerException.class, "threadNamePrefix is null",
                () -> ThreadPool.builder().threadNamePrefix(null));
        rejects(IllegalArgumentException.class, "threadNamePrefix is blank: give a name such as \"crawler\"",
                () -> ThreadPool.builder().threadNamePrefix(" "));
        rejects(NullPointerException.class, "initializer is null",
                () -> ThreadPool.builder().initializer(null));
        rejects(IllegalArgumentException.class, "queueCapacity must be at least 1, got -2",
                () -> ThreadPool.builder().queueCapacity(-2));
        rejects(NullPointerException.class, "keepAlive is null",
                () -> ThreadPool.builder().keepAlive(null));
        rejects(IllegalArgumentException.class, "keepAlive must be positive, got PT0S",
                () -> ThreadPool.builder().keepAlive(Duration.ZERO));
        rejects(IllegalArgumentException.class, "taskTimeout must be positive (or null for no limit), got PT-1S",
                () -> ThreadPool.builder().taskTimeout(Duration.ofSeconds(-1)));
        ThreadPool.builder().taskTimeout(null); // null: no limit
    }

    @Test
    void processPoolBuilderSaysWhatWasWrong() {
        rejects(IllegalArgumentException.class, "maxWorkers must be at least 1, got 0",
                () -> ProcessPool.builder().maxWorkers(0));
        rejects(NullPointerException.class, "jvmOptions is null",
                () -> ProcessPool.builder().jvmOptions((String[]) null));
        rejects(NullPointerException.class, "a jvm option is null",
                () -> ProcessPool.builder().jvmOptions("-Xmx64m", null));
        rejects(NullPointerException.class, "classpath is null",
                () -> ProcessPool.builder().classpath(null));
        rejects(IllegalArgumentException.class, "classpath is blank: it must hold jpool-core and your task classes",
                () -> ProcessPool.builder().classpath(""));
        rejects(NullPointerException.class, "javaHome is null",
                () -> ProcessPool.builder().javaHome(null));
        rejects(NullPointerException.class, "environment is null",
                () -> ProcessPool.builder().environment(null));
        rejects(NullPointerException.class, "initializer is null",
                () -> ProcessPool.builder().initializer(null));
        rejects(IllegalArgumentException.class, "maxTasksPerWorker must be at least 1, got 0",
                () -> ProcessPool.builder().maxTasksPerWorker(0));
        rejects(IllegalArgumentException.class, "taskTimeout must be positive (or null for no limit), got PT0S",
                () -> ProcessPool.builder().taskTimeout(Duration.ZERO));
        rejects(IllegalArgumentException.class, "retries must be at least 0, got -1",
                () -> ProcessPool.builder().retries(-1));
        rejects(NullPointerException.class, "workerOutput is null",
                () -> ProcessPool.builder().workerOutput(null));
        rejects(NullPointerException.class, "patterns is null",
                () -> ProcessPool.builder().allowedResultClasses((String[]) null));
        rejects(IllegalArgumentException.class, "maxResultBytes must be at least 1, got 0",
                () -> ProcessPool.builder().maxResultBytes(0));
        rejects(NullPointerException.class, "directory is null",
                () -> ProcessPool.builder().classDataSharing((java.nio.file.Path) null));
        rejects(NullPointerException.class, "command is null",
                () -> ProcessPool.builder().launcher((String[]) null));
        ProcessPool.builder().retries(0).taskTimeout(null); // both allowed
    }

    /** The shared start of submit: same checks, same order, same words in both pools. */
    @Test
    void bothPoolsRejectTheSameSubmitsWithTheSameWords() {
        Pool threads = ThreadPool.create(1);
        Pool processes = ProcessPool.builder().maxWorkers(1).workerOutput(WorkerOutput.DISCARD).build();
        try {
            for (Pool pool : new Pool[] {threads, processes}) {
                rejects(NullPointerException.class, "task is null", () -> pool.submit((Task<Object>) null));
                rejects(NullPointerException.class, "task is null",
                        () -> pool.submit((Task<Object>) null, Duration.ofSeconds(1)));
                rejects(IllegalArgumentException.class, "task timeout must be positive (or null for no limit), got PT0S",
                        () -> pool.submit(() -> 1, Duration.ZERO));
                pool.shutdown();
                rejects(RejectedExecutionException.class,
                        "the pool is shut down: it takes no new tasks (create a new pool)",
                        () -> pool.submit(() -> 1));
                rejects(RejectedExecutionException.class,
                        "the pool is shut down: it takes no new tasks (create a new pool)",
                        () -> pool.submit(() -> 1, Duration.ofSeconds(1)));
                // the null check comes first, even on a closed pool
                rejects(NullPointerException.class, "task is null", () -> pool.submit((Task<Object>) null));
            }
        } finally {
            threads.close();
            processes.close();
        }
        assertThat(threads.isTerminated()).isTrue();
        assertThat(processes.isTerminated()).isTrue();
    }

    private static void rejects(Class<? extends Throwable> type, String message, Executable call) {
        Throwable t = assertThrows(type, call);
        assertThat(t).hasMessage(message);
    }

    @Test
    void processPoolSubmitOfJdkCallableChecksToo() {
        try (ProcessPool pool = ProcessPool.builder().maxWorkers(1).workerOutput(WorkerOutput.DISCARD).build()) {
            assertThatThrownBy(() -> pool.submit((java.util.concurrent.Callable<Object>) null))
                    .isInstanceOf(NullPointerException.class).hasMessage("task is null");
        }
    }
}
