package io.jpool.process;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.ProcessPool;
import io.jpool.Task;
import io.jpool.ThreadPool;
import io.jpool.WorkerDiedException;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** jpool's Flight Recorder events, recorded and read back. */
class JfrEventsTest {

    private static List<RecordedEvent> named(List<RecordedEvent> all, String name) {
        return all.stream().filter(e -> e.getEventType().getName().equals("io.jpool." + name))
                .collect(Collectors.toList());
    }

    @Test
    void tasksWorkersAndMapProgressAreRecorded(@TempDir Path dir) throws Exception {
        List<Long> pids = new ArrayList<>();
        Path file = dir.resolve("jpool.jfr");
        String poolName;
        try (Recording r = new Recording()) {
            for (String e : new String[] {"TaskQueued", "TaskStarted", "TaskEnded", "WorkerStarted", "WorkerDied",
                    "MapProgress"}) {
                r.enable("io.jpool." + e);
            }
            r.start();
            try (ProcessPool pool = ProcessSupport.pool(1).build()) {
                assertThat(pool.submit(() -> 6 * 7).get(60, TimeUnit.SECONDS)).isEqualTo(42);
                pids.addAll(pool.workerPids());
                Task<Integer> crash = () -> {
                    Runtime.getRuntime().halt(3);
                    return 0;
                };
                assertThatThrownBy(() -> pool.submit(crash).get(60, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(WorkerDiedException.class);
                assertThat(pool.submit(() -> 1).get(60, TimeUnit.SECONDS)).isEqualTo(1);
                pids.addAll(pool.workerPids());
                poolName = pool.toString().replaceAll(".*\\[(jpool-process-\\d+),.*", "$1");
            }
            try (ThreadPool threads = ThreadPool.create(2);
                 MapResult<Integer> m = threads.map((Integer x) -> x, List.of(1, 2, 3, 4, 5),
                         MapOptions.defaults().chunksize(2))) {
                m.forEach(x -> { });
            }
            ProcessSupport.assertAllDead(pids);
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> all = RecordingFile.readAllEvents(file);

        List<RecordedEvent> ended = named(all, "TaskEnded"); // a file is not in commit order across threads
        ended.sort(java.util.Comparator.comparingLong(e -> e.getLong("taskId")));
        assertThat(ended).extracting(e -> e.getString("outcome")).containsExactly("SUCCESS", "FAILED", "SUCCESS");
        RecordedEvent first = ended.get(0);
        assertThat(first.getString("pool")).isEqualTo(poolName);
        assertThat(first.getString("task")).isEqualTo("a lambda in " + JfrEventsTest.class.getName());
        assertThat(first.getDuration("runTime")).isPositive().isLessThan(Duration.ofMinutes(1));
        assertThat(first.getDuration("queueWait")).isPositive().isLessThan(Duration.ofMinutes(1));
        assertThat(named(all, "TaskQueued")).hasSize(3);
        assertThat(named(all, "TaskStarted")).extracting(e -> e.getLong("workerPid"))
                .allSatisfy(pid -> assertThat(pids).contains(pid));

        List<RecordedEvent> started = named(all, "WorkerStarted");
        assertThat(started).hasSizeGreaterThanOrEqualTo(2);
        assertThat(started.get(0).getDuration("startupTime")).isPositive().isLessThan(Duration.ofMinutes(1));
        List<RecordedEvent> died = named(all, "WorkerDied");
        assertThat(died).extracting(e -> e.getInt("exitCode")).contains(3);

        // chunks of 2, 2 and 1 items end in any order: three distinct counts, the last 5
        assertThat(named(all, "MapProgress")).extracting(e -> e.getLong("done")).hasSize(3).doesNotHaveDuplicates()
                .contains(5L).allSatisfy(d -> assertThat(d).isBetween(1L, 5L));
    }
}
