package io.jpool.internal.process;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.TaskFailedException;
import io.jpool.TaskFunction;
import io.jpool.WorkerDiedException;
import io.jpool.WorkerOutput;
import io.jpool.internal.pool.MapChunk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker holds a window of small map chunks: the one it runs and the next ones, sent before it
 * asks. A chunk waiting there has not started: cancelling it never runs it, its time limit counts
 * from its real start, and when its worker dies it goes back to the queue without using a retry.
 * Side effects are files, so a run in a worker leaves a trace the test can count.
 */
class ProcessMapWindowTest {
    @TempDir
    Path dir;

    private static ProcessPoolImpl pool(int retries, Duration taskTimeout) {
        ProcessPool.Builder b = ProcessPool.builder().maxWorkers(1).retries(retries)
                .jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1").workerOutput(WorkerOutput.DISCARD);
        if (taskTimeout != null) {
            b.taskTimeout(taskTimeout);
        }
        return (ProcessPoolImpl) b.build();
    }

    /** Item 0 marks its start and waits (up to a minute) for the release file; every item logs each run. */
    private static TaskFunction<Integer, Integer> blockingFirst(String dir) {
        return x -> {
            Path d = Path.of(dir);
            Files.writeString(d.resolve("ran-" + x), "x", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (x == 0) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(d.resolve("release")) && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            }
            return x * 10;
        };
    }

    @Test
    void aChunkCancelledWhileItWaitsInAWorkersWindowNeverRuns() throws Exception {
        ProcessPoolImpl p = pool(0, null);
        try {
            TaskFunction<Integer, Integer> fn = blockingFirst(dir.toString());
            PoolFuture<Object[]> first = p.submitChunk(new MapChunk<>(fn, new Object[] {0}, 0));
            MapItemRuns.awaitRun(dir, 0);
            PoolFuture<Object[]> waiting = p.submitChunk(new MapChunk<>(fn, new Object[] {1}, 1));
            PoolFuture<Object[]> behind = p.submitChunk(new MapChunk<>(fn, new Object[] {2}, 2));
            // both were sent to the busy worker (RUNNING: given to it), not kept in the pool's queue
            assertThat(waiting.status()).isEqualTo(PoolFuture.Status.RUNNING);
            assertThat(behind.status()).isEqualTo(PoolFuture.Status.RUNNING);
            assertThat(waiting.cancel(false)).as("a chunk given to a worker is not withdrawn quietly").isFalse();

            assertThat(waiting.cancel(true)).isTrue();
            Files.writeString(dir.resolve("release"), "go");

            // the chunk it ran was killed for another's sake: re-run at no cost of a retry (retries 0)
            assertThat(first.get(60, TimeUnit.SECONDS)).containsExactly(0);
            assertThat(behind.get(60, TimeUnit.SECONDS)).containsExactly(20);
            assertThat(waiting.status()).isEqualTo(PoolFuture.Status.CANCELLED);
            assertThat(p.submitChunk(new MapChunk<>(fn, new Object[] {3}, 3)).get(60, TimeUnit.SECONDS))
                    .containsExactly(30); // the worker that ran after the cancel is done with the window
            assertThat(MapItemRuns.runs(dir, 1)).as("runs of the cancelled chunk").isZero();
            assertThat(MapItemRuns.runs(dir, 2)).isEqualTo(1);
        } finally {
            p.close();
        }
    }

    @Test
    void aTimeLimitCountsFromTheChunksRealStartNotFromWhenItWasSent() throws Exception {
        ProcessPoolImpl p = pool(0, Duration.ofMillis(3500));
        try {
            p.submit(() -> 1).get(60, TimeUnit.SECONDS); // the worker is up: both chunks go to it at once
            List<Integer> out = new ArrayList<>();
            try (MapResult<Integer> r = p.map((Integer x) -> {
                Thread.sleep(2000);
                return x;
            }, List.of(0, 1), MapOptions.defaults().chunksize(1))) {
                r.forEach(out::add);
            }
            // the second waited 2 s in the window, then ran 2 s: 4 s from its send (past the 3.5 s
            // limit), 2 s from its start (1.5 s to spare for a loaded machine)
            assertThat(out).containsExactly(0, 1);
        } finally {
            p.close();
        }
    }

    @Test
    void aWorkerKilledHoldingAFullWindowLosesNothingAndItsWaitingChunksUseNoRetry() throws Exception {
        ProcessPoolImpl p = pool(0, null);
        try {
            String d = dir.toString();
            List<Integer> input = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                input.add(i);
            }
            List<Object> out = new ArrayList<>();
            try (MapResult<Integer> r = p.map((Integer x) -> {
                Path base = Path.of(d);
                Files.writeString(base.resolve("ran-" + x), "x", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (x == 0) {
                    Thread.sleep(60_000); // until the test kills this worker
                }
                return x * 10;
            }, input, MapOptions.defaults().chunksize(1))) {
                java.util.Iterator<Integer> it = r.iterator();
                MapItemRuns.awaitRun(dir, 0);
                long pid = p.workerPids().get(0);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
                while (it.hasNext()) {
                    try {
                        out.add(it.next());
                    } catch (TaskFailedException e) {
                        assertThat(e.getCause()).isInstanceOf(WorkerDiedException.class);
                        out.add("failed " + e.index());
                    }
                }
            }
            List<Object> expected = new ArrayList<>();
            expected.add("failed 0"); // it ran when its worker was killed, with no retry left
            for (int i = 1; i < 40; i++) {
                expected.add(i * 10);
            }
            assertThat(out).containsExactlyElementsOf(expected);
            for (int i = 1; i < 40; i++) {
                assertThat(MapItemRuns.runs(dir, i)).as("runs of item %d", i).isEqualTo(1);
            }
            // the chunks waiting behind item 0 (its window was full: map sends its chunks at once)
            assertThat(p.unstartedRequeued()).isEqualTo(MapWindows.WINDOW - 1);
            assertThat(p.itemsRetried()).as("items re-run").isZero();
        } finally {
            p.close();
        }
    }

    @Test
    void framesBeyondTheWriteAheadWaitInThePoolAndGoOutTogetherWhenTheWorkerRunsLow() throws Exception {
        ProcessPoolImpl p = pool(0, null);
        try {
            p.submit(() -> 1).get(60, TimeUnit.SECONDS); // the worker is up: the map's chunks go to it at once
            TaskFunction<Integer, Integer> fn = blockingFirst(dir.toString());
            List<Integer> input = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                input.add(i);
            }
            List<Integer> out = new ArrayList<>();
            try (MapResult<Integer> r = p.map(fn, input, MapOptions.defaults().chunksize(1))) {
                MapItemRuns.awaitRun(dir, 0);
                // it runs item 0 with WRITE_AHEAD frames behind it in its channel; the rest of its window waits here
                assertThat(p.framesHeldBack()).isEqualTo(MapWindows.WINDOW - 1 - MapWindows.WRITE_AHEAD);
                Files.writeString(dir.resolve("release"), "go");
                r.forEach(out::add);
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                expected.add(i * 10);
                assertThat(MapItemRuns.runs(dir, i)).as("runs of item %d", i).isEqualTo(1);
            }
            assertThat(out).containsExactlyElementsOf(expected);
            assertThat(p.framesHeldBack()).isZero();
        } finally {
            p.close();
        }
    }

    @Test
    void aWindowOfLargerChunksHoldsNoMoreBytesThanAPipeTakesWithoutBlocking() throws Exception {
        ProcessPoolImpl p = pool(0, null);
        try {
            p.submit(() -> 1).get(60, TimeUnit.SECONDS); // the worker is up: the map's chunks go to it at once
            String d = dir.toString();
            // each chunk's frame: the padding, its index and the function (well under 1 KB): 7.0 to 8 KB,
            // under the largest frame a window takes, and six of them fit in its bytes, not seven
            String padding = "p".repeat(7_000);
            List<String> input = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                input.add(i + ":" + padding);
            }
            List<Integer> out = new ArrayList<>();
            try (MapResult<Integer> r = p.map((String s) -> {
                int x = Integer.parseInt(s.substring(0, s.indexOf(':')));
                TaskFunction<Integer, Integer> f = blockingFirst(d);
                return f.apply(x);
            }, input, MapOptions.defaults().chunksize(1))) {
                MapItemRuns.awaitRun(dir, 0);
                assertThat(MapWindows.WINDOW_BYTES / 7_000).isEqualTo(7); // 7 of 7.0 KB would fit: the frames are larger
                assertThat(MapWindows.WINDOW_BYTES / 8_192).isEqualTo(6);
                assertThat(p.tasksHeld()).as("chunks in the worker's window, bounded by its bytes").isEqualTo(6);
                Files.writeString(dir.resolve("release"), "go");
                r.forEach(out::add);
            }
            for (int i = 0; i < 20; i++) {
                assertThat(out.get(i)).isEqualTo(i * 10);
            }
        } finally {
            p.close();
        }
    }

    @Test
    void maxTasksPerWorkerCountsTheChunksOfItsWindow() throws Exception {
        ProcessPoolImpl p = (ProcessPoolImpl) ProcessPool.builder().maxWorkers(1).maxTasksPerWorker(5)
                .jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1").workerOutput(WorkerOutput.DISCARD).build();
        try {
            List<Long> pids = new ArrayList<>();
            List<Integer> input = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                input.add(i);
            }
            try (MapResult<Long> r = p.map((Integer x) -> ProcessHandle.current().pid(), input,
                    MapOptions.defaults().chunksize(1))) {
                r.forEach(pids::add);
            }
            for (int i = 0; i < 20; i++) {
                assertThat(pids.get(i)).as("item %d ran in the worker of its block of five", i)
                        .isEqualTo(pids.get(i / 5 * 5));
            }
            assertThat(new java.util.HashSet<>(pids)).hasSize(4);
        } finally {
            p.close();
        }
    }

    @Test
    void shutdownNowStopsTheChunksOfAWindowAndHandsBackThoseStillQueued() throws Exception {
        ProcessPoolImpl p = pool(0, null);
        List<Long> pids;
        try {
            TaskFunction<Integer, Integer> fn = blockingFirst(dir.toString());
            PoolFuture<Object[]> first = p.submitChunk(new MapChunk<>(fn, new Object[] {0}, 0));
            MapItemRuns.awaitRun(dir, 0);
            List<PoolFuture<Object[]>> window = new ArrayList<>();
            for (int i = 1; i < MapWindows.WINDOW; i++) {
                window.add(p.submitChunk(new MapChunk<>(fn, new Object[] {i}, i)));
            }
            int last = MapWindows.WINDOW;
            PoolFuture<Object[]> queued = p.submitChunk(new MapChunk<>(fn, new Object[] {last}, last));
            assertThat(queued.status()).isEqualTo(PoolFuture.Status.PENDING);
            pids = p.workerPids();

            List<Runnable> neverStarted = p.shutdownNow();

            assertThat(neverStarted).containsExactly((Runnable) queued);
            assertThat(first.status()).isEqualTo(PoolFuture.Status.CANCELLED);
            for (PoolFuture<Object[]> f : window) {
                assertThat(f.status()).isEqualTo(PoolFuture.Status.CANCELLED);
            }
            assertThat(p.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.close();
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("worker alive").isFalse();
        }
        for (int i = 1; i <= MapWindows.WINDOW; i++) {
            assertThat(MapItemRuns.runs(dir, i)).as("runs of item %d", i).isZero();
        }
    }
}
