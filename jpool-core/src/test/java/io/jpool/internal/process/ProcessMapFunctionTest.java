package io.jpool.internal.process;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.ProcessPool;
import io.jpool.TaskFailedException;
import io.jpool.TaskFunction;
import io.jpool.WorkerOutput;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A map's function goes to each worker once, with its first chunk of that map; later chunks name
 * it. The worker's channel is read in order and dies with the worker, so a chunk never names a
 * function its worker does not hold: not when maps take turns on a worker, not on a replacement.
 */
class ProcessMapFunctionTest {
    private static ProcessPool pool(int workers) {
        return ProcessPool.builder().maxWorkers(workers).jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1")
                .workerOutput(WorkerOutput.DISCARD).build();
    }

    /** Bytes the processes read, from /proc/[pid]/io (rchar: every byte a read returned). */
    private static long bytesRead(List<Long> pids) throws Exception {
        long n = 0;
        for (long pid : pids) {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
                if (line.startsWith("rchar:")) {
                    n += Long.parseLong(line.substring(6).trim());
                }
            }
        }
        return n;
    }

    @Test
    void aMapsFunctionTravelsToEachWorkerOnceNotWithEveryChunk() throws Exception {
        ProcessPool p = pool(2);
        try {
            String big = "f".repeat(4_000); // captured: 4 KB of function bytes
            TaskFunction<Integer, Integer> fn = x -> x + big.length();
            List<Integer> input = IntStream.range(0, 2_000).boxed().collect(Collectors.toList());
            p.prestart().get(60, TimeUnit.SECONDS);
            String small = "s";
            // a first map loads the classes a map needs, which the workers read from disk
            try (MapResult<Integer> r = p.map((Integer x) -> x + small.length(), input.subList(0, 200),
                    MapOptions.defaults().chunksize(1))) {
                r.forEach(x -> { });
            }
            List<Long> pids = p.workerPids();
            long before = bytesRead(pids);
            List<Integer> out = new ArrayList<>();
            try (MapResult<Integer> r = p.map(fn, input, MapOptions.defaults().chunksize(1))) {
                r.forEach(out::add);
            }
            long read = bytesRead(pids) - before;
            assertThat(out).hasSize(2_000);
            for (int i = 0; i < out.size(); i++) {
                assertThat(out.get(i)).isEqualTo(i + 4_000);
            }
            assertThat(pids).hasSize(2);
            assertThat(p.workerPids()).as("no worker was replaced").containsExactlyInAnyOrderElementsOf(pids);
            // with the function in every chunk frame the workers would read 2,000 x 4 KB = 8 MB
            assertThat(read).as("bytes the workers read for 2,000 chunks of a 4 KB function").isLessThan(1_000_000L);
        } finally {
            p.shutdownNow();
            p.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void mapsOfDifferentFunctionsTakingTurnsOnOneWorkerEachRunTheirOwn() throws Exception {
        ProcessPool p = pool(1);
        try {
            List<Integer> input = IntStream.range(0, 300).boxed().collect(Collectors.toList());
            int rounds = 20;
            for (int round = 0; round < rounds; round++) {
                int k = round;
                // two maps at once on one worker, taken in turns: their chunks interleave in its window
                try (MapResult<Integer> plus = p.map((Integer x) -> x + 1_000 * k, input, MapOptions.defaults()
                        .chunksize(1));
                        MapResult<Integer> times = p.map((Integer x) -> x * (k + 2), input, MapOptions.defaults()
                                .chunksize(1))) {
                    var a = plus.iterator();
                    var b = times.iterator();
                    for (int i = 0; i < input.size(); i++) {
                        assertThat(a.next()).isEqualTo(i + 1_000 * k);
                        assertThat(b.next()).isEqualTo(i * (k + 2));
                    }
                }
            }
        } finally {
            p.shutdownNow();
            p.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFunctionTheWorkerCannotLoadFailsEveryItemWithTheClassNotAProtocolError() throws Exception {
        // workers that see jpool-core only: this test's lambda class is not on their class path
        String core = Path.of(ProcessPool.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        ProcessPool p = ProcessPool.builder().maxWorkers(1).classpath(core).jvmOptions("-Xmx64m")
                .workerOutput(WorkerOutput.DISCARD).build();
        try {
            List<Integer> input = IntStream.range(0, 20).boxed().collect(Collectors.toList());
            int failed = 0;
            try (MapResult<Integer> r = p.map((Integer x) -> x + 1, input, MapOptions.defaults().chunksize(1))) {
                for (var it = r.iterator(); it.hasNext(); ) {
                    try {
                        it.next();
                    } catch (TaskFailedException e) {
                        failed++;
                        assertThat(e.getCause()).hasMessageContaining("cannot load class")
                                .hasMessageContaining(ProcessMapFunctionTest.class.getName());
                    }
                }
            }
            assertThat(failed).isEqualTo(20);
        } finally {
            p.shutdownNow();
            p.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
