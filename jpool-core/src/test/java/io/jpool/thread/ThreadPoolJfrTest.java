package io.jpool.thread;

import io.jpool.PoolFuture;
import io.jpool.Task;
import io.jpool.ThreadPool;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ThreadPool's Flight Recorder event, io.jpool.ThreadTaskRun, recorded and read back. */
class ThreadPoolJfrTest {

    private static List<RecordedEvent> runs(Path file) throws Exception {
        return RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("io.jpool.ThreadTaskRun"))
                .collect(Collectors.toList());
    }

    @Test
    void eachTaskRunIsRecordedWithPoolOutcomeRunTimeAndQueueWait(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("threads.jfr");
        try (Recording r = new Recording()) {
            r.enable("io.jpool.ThreadTaskRun");
            r.start();
            try (ThreadPool pool = ThreadPool.builder().maxWorkers(1).threadNamePrefix("jfr-test").build()) {
                CountDownLatch release = new CountDownLatch(1);
                PoolFuture<Integer> blocker = pool.submit(() -> {
                    release.await(60, TimeUnit.SECONDS);
                    return 1;
                });
                Task<Integer> slow = () -> {
                    Thread.sleep(50);
                    return 2;
                };
                Task<Integer> failing = () -> {
                    throw new IllegalStateException("boom");
                };
                PoolFuture<Integer> queuedSlow = pool.submit(slow); // waits behind the blocker
                PoolFuture<Integer> queuedFailing = pool.submit(failing);
                Thread.sleep(20); // lets the queued ones wait a measurable time; not synchronisation
                release.countDown();
                assertThat(blocker.get(60, TimeUnit.SECONDS)).isEqualTo(1);
                assertThat(queuedSlow.get(60, TimeUnit.SECONDS)).isEqualTo(2);
                assertThatThrownBy(() -> queuedFailing.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> runs = runs(file);
        assertThat(runs).hasSize(3);
        assertThat(runs).extracting(e -> e.getString("pool")).containsOnly("jfr-test");
        assertThat(runs).extracting(e -> e.getString("outcome")).containsExactlyInAnyOrder("SUCCESS", "SUCCESS", "FAILED");
        assertThat(runs).extracting(e -> e.getString("task"))
                .allMatch(t -> t.equals("a lambda in " + ThreadPoolJfrTest.class.getName()));
        RecordedEvent slowRun = runs.stream().filter(e -> e.getDuration().compareTo(Duration.ofMillis(45)) >= 0
                && e.getDuration().compareTo(Duration.ofSeconds(30)) < 0 && e.getString("outcome").equals("SUCCESS")
                && e.getDuration("queueWait").compareTo(Duration.ofMillis(15)) >= 0).findFirst().orElse(null);
        assertThat(slowRun).as("the slow task: ran >= 50 ms after waiting >= 20 ms behind the blocker, in %s", runs)
                .isNotNull();
        assertThat(runs).allMatch(e -> !e.getDuration("queueWait").isNegative());
    }

    @Test
    void nothingIsRecordedUnlessARecordingEnablesTheEvent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("quiet.jfr");
        try (Recording r = new Recording()) {
            r.enable("io.jpool.MapProgress"); // another jpool event, so the recording is jpool's but not this one
            r.start();
            try (ThreadPool pool = ThreadPool.create(2)) {
                for (int i = 0; i < 100; i++) {
                    pool.submit(() -> 1).get(60, TimeUnit.SECONDS);
                }
            }
            r.stop();
            r.dump(file);
        }
        assertThat(runs(file)).isEmpty();
    }
}
