package io.jpool.internal.process;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.ProcessPool;
import io.jpool.TaskFunction;
import io.jpool.TaskTimeoutException;
import io.jpool.WorkerDiedException;
import io.jpool.WorkerOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker holds the replies of a map's items while it runs the next items it already has in hand,
 * and writes them together ({@code worker.HeldReplies}); a worker whose items come fast gets a
 * deep window. Held replies must not change what the caller sees: a reply held while a long item
 * runs still reaches the caller at once, a time limit still counts from the item's real start, and
 * a task that ends its JVM (System.exit, or a crash that skips every hook) is still the one blamed. Side effects are files, so each run in a
 * worker leaves a trace the test can count.
 */
class ProcessMapBurstTest {
    @TempDir
    Path dir;

    private static ProcessPoolImpl pool(Duration taskTimeout) throws Exception {
        ProcessPool.Builder b = ProcessPool.builder().maxWorkers(1).retries(0)
                .jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1").workerOutput(WorkerOutput.DISCARD);
        if (taskTimeout != null) {
            b.taskTimeout(taskTimeout);
        }
        ProcessPoolImpl p = (ProcessPoolImpl) b.build();
        // replies are held only on the socket (over the pipes a worker cannot see its next frame in hand)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.workersOnSocket() == 0) {
            assertThat(System.nanoTime()).as("the worker never moved to the socket").isLessThan(deadline);
            p.submit(() -> 1).get(60, TimeUnit.SECONDS);
        }
        return p;
    }

    /**
     * Every item logs each run; item 0 waits (a minute at most) for the file "release", so the
     * items behind it are in the worker's hands when it ends; item {@code special} then does
     * {@code action}.
     */
    private static TaskFunction<Integer, Integer> gated(String dir, int special, String action) {
        return x -> {
            Path d = Path.of(dir);
            Files.writeString(d.resolve("ran-" + x), "x", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (x == 0) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(d.resolve("release")) && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            } else if (x == special && action.equals("exit")) {
                System.exit(7);
            } else if (x == special) {
                Thread.sleep(40_000); // long: until released by its time limit, or the test's end
            }
            return x * 10;
        };
    }

    private static List<Integer> items(int n) {
        List<Integer> input = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            input.add(i);
        }
        return input;
    }

    @Test
    void repliesHeldWhileALongItemRunsReachTheCallerWithoutWaitingForIt() throws Exception {
        ProcessPoolImpl p = pool(null);
        try {
            try (MapResult<Integer> r = p.map(gated(dir.toString(), 2, "sleep"), items(3),
                    MapOptions.defaults().chunksize(1).timeout(Duration.ofSeconds(20)))) {
                Iterator<Integer> it = r.iterator();
                MapItemRuns.awaitRun(dir, 0);
                Files.writeString(dir.resolve("release"), "go"); // 0 and 1 end; 2, in hand, runs 40 s
                long start = System.nanoTime();
                assertThat(it.next()).isEqualTo(0);
                assertThat(it.next()).isEqualTo(10);
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .as("replies held behind the long item").isLessThan(Duration.ofSeconds(15));
                MapItemRuns.awaitRun(dir, 2); // the long item runs meanwhile
            } // closing the map leaves item 2 to run out: the pool's close below kills its worker
        } finally {
            p.shutdownNow();
            p.close();
        }
    }

    @Test
    void aTimeLimitCountsFromTheItemsRealStartThoughTheReplyBeforeItWasHeld() throws Exception {
        ProcessPoolImpl p = pool(Duration.ofSeconds(3));
        try {
            List<Object> out = new ArrayList<>();
            long start;
            try (MapResult<Integer> r = p.map(gated(dir.toString(), 1, "sleep"), items(3),
                    MapOptions.defaults().chunksize(1))) {
                Iterator<Integer> it = r.iterator();
                MapItemRuns.awaitRun(dir, 0);
                Files.writeString(dir.resolve("release"), "go"); // 0 ends; 1, in hand, sleeps 40 s
                start = System.nanoTime();
                out.addAll(MapItemRuns.outcomes(it));
            }
            assertThat(out).containsExactly(0, TaskTimeoutException.class.getSimpleName() + " 1", 20);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("item 1 ended by its 3 s limit, not by its 40 s sleep").isLessThan(Duration.ofSeconds(25));
        } finally {
            p.close();
        }
    }

    @Test
    void aTaskThatEndsItsJvmIsTheOneBlamedNotTheItemsWhoseRepliesItsWorkerHeld() throws Exception {
        ProcessPoolImpl p = pool(null);
        try {
            List<Object> out = new ArrayList<>();
            try (MapResult<Integer> r = p.map(gated(dir.toString(), 2, "exit"), items(6),
                    MapOptions.defaults().chunksize(1))) {
                Iterator<Integer> it = r.iterator();
                MapItemRuns.awaitRun(dir, 0);
                Files.writeString(dir.resolve("release"), "go"); // 0 and 1 end, 2 exits before a flush
                out.addAll(MapItemRuns.outcomes(it));
            }
            assertThat(out).containsExactly(0, 10, WorkerDiedException.class.getSimpleName() + " 2", 30, 40, 50);
            assertThat(MapItemRuns.runs(dir, 0)).isEqualTo(1);
            assertThat(MapItemRuns.runs(dir, 1)).isEqualTo(1);
            assertThat(MapItemRuns.runs(dir, 2)).as("runs of the item that exits (retries 0)").isEqualTo(1);
        } finally {
            p.close();
        }
    }

    @Test
    void aTaskThatCrashesItsJvmIsTheOneBlamedAndTheItemsWhoseRepliesDiedWithItRunAgain() throws Exception {
        ProcessPoolImpl p = pool(null);
        try {
            maxHeld(p, x -> x + 1, 3_000); // warm: its replies are held from the first item on
            String d = dir.toString();
            List<Object> out = new ArrayList<>();
            try (MapResult<Integer> r = p.map((Integer x) -> {
                Path base = Path.of(d);
                if (x == 0) {
                    Files.writeString(base.resolve("ran-0"), "x");
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (!Files.exists(base.resolve("release")) && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                } else if (x == 2) {
                    Files.writeString(base.resolve("ran-2"), "x", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    Runtime.getRuntime().halt(9); // as a crash: no shutdown hook, the replies held die with it
                }
                return x * 10;
            }, items(6), MapOptions.defaults().chunksize(1))) {
                Iterator<Integer> it = r.iterator();
                MapItemRuns.awaitRun(dir, 0);
                Files.writeString(dir.resolve("release"), "go"); // 0 and 1 end, 2 halts well within a hold
                out.addAll(MapItemRuns.outcomes(it));
            }
            // the worker's mark names item 2 as the one it ran: 0 and 1 ran to their end, and run
            // again if their replies died with it, at no cost of an attempt (retries 0)
            assertThat(out).containsExactly(0, 10, WorkerDiedException.class.getSimpleName() + " 2", 30, 40, 50);
            assertThat(MapItemRuns.runs(dir, 2)).as("runs of the item that crashes (retries 0)").isEqualTo(1);
            assertThat(p.submit(() -> 5).get(60, TimeUnit.SECONDS)).isEqualTo(5);
        } finally {
            p.close();
        }
    }

    @Test
    void aWorkerWhoseItemsComeFastGetsTheDeepWindowAndOneWithSlowItemsDoesNot() throws Exception {
        ProcessPoolImpl p = pool(null);
        try {
            assertThat(maxHeld(p, x -> x + 1, 5_000)).as("tasks held at most, fast items")
                    .isGreaterThan(MapWindows.WINDOW);
            assertThat(maxHeld(p, x -> {
                Thread.sleep(2);
                return x + 1;
            }, 300)).as("tasks held at most, 2 ms items").isLessThanOrEqualTo(MapWindows.WINDOW);
        } finally {
            p.close();
        }
    }

    /** Maps {@code n} items through {@code fn} and returns the most tasks its worker held at a time. */
    private static int maxHeld(ProcessPoolImpl p, TaskFunction<Integer, Integer> fn, int n) {
        int max = 0;
        int i = 0;
        try (MapResult<Integer> r = p.map(fn, items(n), MapOptions.defaults().chunksize(1))) {
            for (Integer x : r) {
                assertThat(x).isEqualTo(i + 1);
                i++;
                if ((i & 15) == 0) {
                    max = Math.max(max, p.tasksHeld());
                }
            }
        }
        assertThat(i).isEqualTo(n);
        return max;
    }
}
