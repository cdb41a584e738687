package io.jpool.examples.cookbook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs every cookbook program with short inputs and checks what it prints, so none can rot.
 * Each test has a generous time limit: the machine may be shared.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CookbookTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
    }

    private static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).collect(Collectors.toList());
    }

    /** Waits (up to 30 s a thread) for threads named prefix* to end, then asserts none is left. */
    private static void assertNoThreadsLeft(String prefix) throws InterruptedException {
        for (Thread t : threadsNamed(prefix)) {
            t.join(30_000);
        }
        assertThat(threadsNamed(prefix)).as("threads named %s* still alive", prefix).isEmpty();
    }

    /** Waits (up to 30 s) for each pid to be gone, then asserts none is alive. */
    private static void assertAllDead(Iterable<Long> pids) throws Exception {
        for (long pid : pids) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isPresent()) {
                try {
                    h.get().onExit().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException ignored) {
                    // asserted below
                }
            }
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("worker %d still alive", pid).isFalse();
        }
    }

    @Test
    void everyListedProgramIsAClassWithAMain() throws Exception {
        for (String name : Cookbook.PROGRAMS) {
            assertThat(Class.forName(Cookbook.class.getPackageName() + "." + name).getMethod("main", String[].class))
                    .as(name).isNotNull();
        }
    }

    @Test
    void anUnknownProgramNameSaysWhichOnesExist() {
        assertThatThrownBy(() -> Cookbook.main(new String[] {"NoSuchProgram"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no cookbook program named \"NoSuchProgram\": pick one of [TenThreadsWithDoneCallback,");
    }

    @Test
    void tenThreadsRunEveryTaskAndItsCallback() throws Exception {
        TenThreadsWithDoneCallback.run(out, 20, Duration.ofMillis(20));
        List<String> lines = lines();
        for (int i = 0; i < 20; i++) {
            assertThat(lines).contains("Task " + i + " starting", "Task " + i + " done");
        }
        assertThat(lines).hasSize(41).last().isEqualTo("all 20 tasks done");
    }

    @Test
    void processPoolReusesAFewWorkers() throws Exception {
        TreeSet<Long> pids = ProcessPoolReusedPids.run(out, 12, 2);
        assertThat(pids).hasSizeBetween(1, 2).doesNotContain(ProcessHandle.current().pid());
        List<String> lines = lines();
        assertThat(lines.stream().filter(l -> l.matches("Task \\d+ ran in process \\d+"))).hasSize(12);
        assertThat(lines.get(lines.size() - 1)).startsWith("12 tasks ran in " + pids.size() + " worker processes: " + pids);
        assertAllDead(pids);
    }

    @Test
    void submitThenResultsKeepsSubmissionOrder() throws Exception {
        assertThat(SubmitThenResults.run(out, 10)).containsExactly(0, 1, 4, 9, 16, 25, 36, 49, 64, 81);
        assertThat(lines()).containsExactly("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]");
    }

    @Test
    void withBlockWaitsForAllOnTwoNamedThreads() throws Exception {
        WithTwoWorkers.run(out, Duration.ofMillis(20));
        List<String> lines = lines();
        assertThat(lines.get(0)).isEqualTo("after the with block, all done: true");
        assertThat(lines).hasSize(5);
        for (int i = 0; i < 4; i++) {
            assertThat(lines.get(i + 1)).startsWith(i + " on worker");
        }
        assertThat(lines.stream().skip(1).map(l -> l.substring(l.indexOf(" on ") + 4)).distinct().count())
                .isBetween(1L, 2L);
        assertNoThreadsLeft("worker");
    }

    @Test
    void mapSumsInChunksAndTimesOut() throws Exception {
        // the two fast items take 100 ms of the 1 s deadline: room for a busy machine
        MapWithTimeoutAndChunksize.run(out, 1000, Duration.ofSeconds(1));
        long expected = IntStream.range(0, 1000).mapToLong(x -> (long) x * x).sum();
        assertThat(lines()).containsExactly(
                "sum of squares below 1000 in chunks of 50: " + expected,
                "got 100",
                "got 100",
                "TimeoutError: map did not finish within 1000 ms, after 2 results");
    }

    @Test
    void asCompletedGivesCompletionOrder() {
        // 1 s between finishes: order holds even on a busy machine
        List<String> order = AsCompletedInCompletionOrder.run(out, Duration.ofSeconds(1));
        assertThat(order).containsExactly("fast", "medium", "slow");
        assertThat(lines()).containsExactly("fast finished", "medium finished", "slow finished");
    }

    @Test
    void multiprocessingPoolBasicsPrintWhatPythonPrints() throws Exception {
        MultiprocessingPoolBasics.run(out, 2, Duration.ofMillis(500));
        List<String> lines = lines();
        assertThat(lines.get(0)).isEqualTo("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]");
        assertThat(lines.get(1)).startsWith("imap_unordered: [");
        List<Integer> unordered = Stream.of(lines.get(1).replaceAll(".*\\[|\\]", "").split(", "))
                .map(Integer::valueOf).sorted().collect(Collectors.toList());
        assertThat(unordered).containsExactly(0, 1, 4, 9, 16, 25, 36, 49, 64, 81);
        assertThat(lines.get(2)).isEqualTo("[8, 9, 100]");
        assertThat(lines.get(3)).isEqualTo("map_async callback: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]");
        assertThat(lines.get(4)).isEqualTo("callback collected [400]; map_async successful: true");
        assertThat(lines.get(5)).isEqualTo("400");
        assertThat(lines.get(6)).matches("\\d+");
        assertThat(lines.get(7)).matches("\\[\\d+, \\d+, \\d+, \\d+\\]");
        assertThat(lines.get(8)).isEqualTo("We lacked patience and got a TimeoutException");
        assertThat(lines.get(9)).isEqualTo("cancelled the sleeper: true");
        assertThat(lines).hasSize(10);
    }

    @Test
    void managerDictIsWrittenByWorkers() throws Exception {
        Map<Integer, Integer> shared = ManagerDictSharedByWorkers.run(out, 6);
        assertThat(shared).isEqualTo(Map.of(0, 0, 1, 1, 2, 4, 3, 9, 4, 16, 5, 25));
        List<String> lines = lines();
        assertThat(lines.get(0)).isEqualTo("{0=0, 1=1, 2=4, 3=9, 4=16, 5=25}");
        assertThat(lines.get(1)).matches("written by \\[\\d+(, \\d+)?\\]");
    }

    @Test
    void exceptionsComeBackFromResultAndFromMap() throws Exception {
        ExceptionsInTasks.run(out);
        assertThat(lines()).containsExactly(
                "result 1",
                "result 2",
                "failed: java.lang.IllegalArgumentException: 3 is a multiple of 3",
                "result 4",
                "result 5",
                "failed: java.lang.IllegalArgumentException: 6 is a multiple of 3",
                "exception(): java.lang.IllegalArgumentException: 3 is a multiple of 3",
                "map failed at item 2 after [1, 2]: java.lang.IllegalArgumentException: 3 is a multiple of 3");
    }

    @Test
    void batchesCoverTheRange() throws Exception {
        long total = BatchingARange.run(out, 250, 100);
        assertThat(total).isEqualTo(IntStream.range(0, 250).mapToLong(x -> (long) x * x).sum());
        List<String> lines = lines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("batch 0..99: ");
        assertThat(lines.get(1)).startsWith("batch 100..199: ");
        assertThat(lines.get(2)).startsWith("batch 200..249: ");
        assertThat(lines.get(3)).isEqualTo("total " + total);
    }

    @Test
    void handMadePoolGrowsThenRetiresEveryWorker() throws Exception {
        HandMadeDynamicPool.run(out, 12, Duration.ofMillis(50));
        List<String> lines = lines();
        long started = lines.stream().filter(l -> l.startsWith("started a worker")).count();
        long retired = lines.stream().filter(l -> l.startsWith("retired an idle worker")).count();
        // a worker may idle out mid-batch on a stalled machine and be started again: the count
        // of starts is not bounded, only that each one retired and at most 4 ran at once
        assertThat(started).isPositive().isEqualTo(retired);
        assertThat(lines).contains("retired an idle worker, now 0");
        assertThat(lines).anyMatch(l -> l.matches("12 tasks done, at most [1-4] workers at once"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("ThreadPool(maxWorkers=4, keepAlive) ran the same 12 tasks");
        assertNoThreadsLeft("dynamic-");
    }

    @Test
    void crawlerFetchesEveryPageOnce() throws Exception {
        int fetched = CrawlerWithTenThreads.run(out, 15, Duration.ofMillis(10));
        assertThat(fetched).isEqualTo(16); // the home page and 15 pages
        List<String> lines = lines();
        assertThat(lines.get(0)).as("the home page, the only one known at first").startsWith("/: 200, ");
        List<String> paths = lines.stream().filter(l -> l.contains(": 200, ")).map(l -> l.substring(0, l.indexOf(':')))
                .collect(Collectors.toList());
        List<String> expected = new ArrayList<>(List.of("/"));
        IntStream.range(0, 15).forEach(i -> expected.add("/page/" + i));
        assertThat(paths).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(lines.get(lines.size() - 1)).startsWith("crawled 16 pages (").contains(" with 10 threads in ");
        assertNoThreadsLeft("crawler");
        assertNoThreadsLeft("cookbook-site");
    }

    @Test
    void imageBatchWritesGrayscale256Files(@TempDir Path dir) throws Exception {
        List<Path> written = ImageBatchInProcessPool.run(out, dir, 6, 2);
        assertThat(written).hasSize(6);
        for (int i = 0; i < 6; i++) {
            Path p = dir.resolve(String.format("photo_%03d_processed.jpg", i));
            assertThat(written).contains(p);
            BufferedImage img = ImageIO.read(p.toFile());
            assertThat(img.getWidth()).isEqualTo(256);
            assertThat(img.getHeight()).isEqualTo(256);
            assertThat(img.getColorModel().getNumComponents()).as("grayscale").isEqualTo(1);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(12);
        }
        List<String> lines = lines();
        assertThat(lines.get(0)).isEqualTo("generated 6 JPEGs in " + dir);
        assertThat(lines).as("the progress bar's last line").anyMatch(l -> l.matches("images \\[#{24}\\] 6/6 100% .*"));
        assertThat(lines.get(lines.size() - 1)).startsWith("wrote 6 files (").contains("of 256x256 grayscale to " + dir)
                .endsWith("e.g. photo_000_processed.jpg");
    }

    @Test
    void lockMakesTheCountExact() throws Exception {
        long[] counts = RaceAndLock.run(out, 200_000);
        assertThat(counts[0]).isBetween(1L, 400_000L); // the race may or may not lose updates in a run
        assertThat(counts[1]).isEqualTo(400_000L);
        List<String> lines = lines();
        assertThat(lines.get(0)).isEqualTo("without a lock: " + counts[0] + " (expected 400000, lost " + (400_000 - counts[0]) + ")");
        assertThat(lines.get(1)).isEqualTo("with a lock:    400000 (expected 400000)");
        assertNoThreadsLeft("incrementer-");
    }

    @Test
    void deadlockIsReportedBrokenAndAvoided() throws Exception {
        DeadlockOfTwoLocks.run(out, Duration.ofMillis(20), Duration.ofSeconds(1));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("the watchdog found a deadlock; its report, abridged:")
                .contains("  deadlock: 2 threads wait for each other")
                .contains("DeadlockOfTwoLocks.lockBoth(DeadlockOfTwoLocks.java")
                .contains("one is RUNNING, two is RUNNING: the pool makes no progress")
                .contains("after one.cancel(true): two returned \"two done\", one is CANCELLED")
                .contains("same lock order: \"three done\", \"four done\"")
                .contains("deadlocked on synchronized in a worker: TaskTimeoutException after 1000 ms, its worker killed")
                .endsWith("the pool goes on: next task done" + System.lineSeparator());
        assertThat(text.lines().filter(l -> l.startsWith("  \"locker"))).hasSize(2);
        assertNoThreadsLeft("locker");
        assertNoThreadsLeft("jpool-deadlock-watchdog");
    }
}
