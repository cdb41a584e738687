package io.jpool.process;

import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Workers on JDK 25 and later share an AOT cache (JEP 483/514) instead of an AppCDS archive: the
 * first worker records as it exits cleanly, a JVM of its own assembles the cache in the
 * background, later workers map it. Making it is silent and never fails a task; a cache the JVM
 * cannot use is ignored. Runs with the first JDK 25+ found (the caller may be on 17).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // the assembly takes seconds, many more on a loaded machine
class ProcessPoolAotCacheTest {
    private static String jarClassPath;
    private static Path home;

    @BeforeAll
    static void jarTheClassPath(@TempDir Path jars) throws IOException {
        home = Jdks.find(feature -> feature >= 25).orElse(null);
        jarClassPath = ProcessPoolClassDataTest.jarClassPath(jars);
    }

    private static ProcessPool.Builder pool(int workers, Path cds) {
        assumeTrue(home != null, "no JDK 25 or later installed");
        return ProcessSupport.pool(workers).javaHome(home).classpath(jarClassPath).classDataSharing(cds);
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static List<String> arguments(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().arguments()).map(Arrays::asList).orElseThrow();
    }

    /** The cache, once the directory holds it alone: the assembly job has ended and tidied up. */
    private static Path awaitCache(Path cds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (true) {
            List<String> names = files(cds);
            if (names.size() == 1 && names.get(0).endsWith(".aot")) {
                return cds.resolve(names.get(0));
            }
            if (System.nanoTime() > deadline) {
                fail("no AOT cache made; the directory holds " + names);
            }
            Thread.sleep(50); // a directory to watch: nothing to wait on
        }
    }

    /** Makes the cache of {@code pool(1, cds)}'s workers; returns it. */
    private static Path makeCache(Path cds) throws Exception {
        try (ProcessPool pool = pool(1, cds).build()) {
            assertThat(pool.submit(() -> 1).get()).isEqualTo(1);
        }
        return awaitCache(cds);
    }

    @Test
    void oneWorkerRecordsTheCacheIsAssembledAfterItAndLaterWorkersMapIt(@TempDir Path cds) throws Exception {
        List<Long> pids = new ArrayList<>();
        try (ProcessPool pool = pool(2, cds).build()) {
            pool.prestart().get(2, TimeUnit.MINUTES);
            pids.addAll(pool.workerPids());
            assertThat(pids).hasSize(2);
            List<List<String>> args = pids.stream().map(ProcessPoolAotCacheTest::arguments).collect(Collectors.toList());
            assertThat(args).as("one worker records, the other starts without").filteredOn(
                    a -> a.contains("-XX:AOTMode=record")
                            && a.stream().anyMatch(o -> o.startsWith("-XX:AOTConfiguration=" + cds))).hasSize(1);
            assertThat(args).noneMatch(a -> a.stream().anyMatch(o -> o.startsWith("-XX:AOTCache")
                    || o.contains("SharedArchiveFile") || o.contains("ArchiveClassesAtExit") || o.equals("-Xshare:auto")));
            assertThat(pool.submit(() -> 1).get()).isEqualTo(1);
        } // the recording worker exits cleanly: the assembly starts
        Path cache = awaitCache(cds);

        try (ProcessPool pool = pool(2, cds).build()) {
            pool.prestart().get(2, TimeUnit.MINUTES);
            List<Long> later = new ArrayList<>(pool.workerPids());
            pids.addAll(later);
            assertThat(later).allMatch(pid -> arguments(pid).contains("-XX:AOTCache=" + cache));
            assertThat(pool.submit(() -> 1).get()).isEqualTo(1);
        }
        assertThat(files(cds)).containsExactly(cache.getFileName().toString());
        ProcessSupport.assertAllDead(pids);

        assertMaps(cache);
    }

    /**
     * The cache really maps: with -XX:AOTMode=on a JVM that cannot use it refuses to start.
     * Started by hand, the worker finds no handshake on stdin and exits with code 87.
     */
    private static void assertMaps(Path cache) throws Exception {
        List<String> cmd = List.of(home.resolve("bin").resolve("java").toString(), "-XX:AOTMode=on",
                "-XX:AOTCache=" + cache, "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "-Xmx64m",
                "-XX:TieredStopAtLevel=1", "-cp", jarClassPath, "io.jpool.internal.process.worker.WorkerMain");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit code; output: %s", output).isEqualTo(87);
    }

    @Test
    void twoCallerJvmsMakingTheSameCacheAtOnceLeaveOneWholeCacheAfterTheyExited(@TempDir Path cds)
            throws Exception {
        assumeTrue(home != null, "no JDK 25 or later installed");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), AotCacheCallerMain.class.getName(), home.toString(),
                cds.toString(), jarClassPath);
        List<Process> callers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            callers.add(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        }
        for (Process caller : callers) {
            caller.getOutputStream().close();
            String output = new String(caller.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(caller.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(caller.exitValue()).as("caller's exit code; output: %s", output).isZero();
        }
        // both callers are gone: their assembly jobs finish on their own, the last rename wins
        assertMaps(awaitCache(cds));
    }

    @Test
    void makingTheCacheIsSilentAndADamagedCacheIsIgnored(@TempDir Path cds) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream userOut = System.out;
        PrintStream userErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Path cache;
            try (ProcessPool pool = pool(1, cds).workerOutput(WorkerOutput.INHERIT).build()) {
                assertThat(pool.submit(() -> 1).get()).isEqualTo(1);
            }
            cache = awaitCache(cds);
            byte[] garbage = new byte[(int) Files.size(cache)];
            Arrays.fill(garbage, (byte) 0x5a);
            Files.write(cache, garbage); // a damaged cache, under its right name

            try (ProcessPool pool = pool(1, cds).workerOutput(WorkerOutput.INHERIT).build()) {
                assertThat(pool.submit(() -> 1).get()).isEqualTo(1);
                assertThat(arguments(pool.workerPids().iterator().next())).contains("-XX:AOTCache=" + cache);
            }
        } finally {
            System.setOut(userOut);
            System.setErr(userErr);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).as("the user's stdout").isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).as("the user's stderr").isEmpty();
    }

    @Test
    void aRecordingWorkerKilledCostsNoTaskAndIsNotRecordedAgainByThisJvm(@TempDir Path cds) throws Exception {
        List<Long> pids = new ArrayList<>();
        try (ProcessPool pool = pool(1, cds).build()) {
            long recorder = pool.submit(() -> ProcessHandle.current().pid()).get();
            pids.add(recorder);
            assertThat(arguments(recorder)).contains("-XX:AOTMode=record");
            ProcessHandle.of(recorder).orElseThrow().destroyForcibly(); // the OOM killer, say
            ProcessSupport.assertAllDead(pids);
            long next = pool.submit(() -> ProcessHandle.current().pid()).get(); // a fresh worker runs it
            pids.add(next);
            assertThat(next).isNotEqualTo(recorder);
            assertThat(arguments(next)).noneMatch(o -> o.startsWith("-XX:AOT"));
        }
        ProcessSupport.assertAllDead(pids);
        assertThat(files(cds)).as("no cache, no temporary file").isEmpty();
    }

    @Test
    void aUsersOwnAotOptionWinsAndTheWorkerStarts(@TempDir Path cds) throws Exception {
        Path own = cds.resolve("own").resolve("missing.aot");
        try (ProcessPool pool = pool(1, cds).jvmOptions("-XX:AOTCache=" + own, "-Xlog:aot=off").build()) {
            assertThat(pool.submit(() -> 1).get()).isEqualTo(1);
            assertThat(arguments(pool.workerPids().iterator().next())).contains("-XX:AOTCache=" + own)
                    .noneMatch(o -> o.startsWith("-XX:AOTMode") || o.startsWith("-XX:AOTConfiguration"));
        }
        assertThat(files(cds)).isEmpty();
    }

    @Test
    void aCacheKeptFromAnotherClassPathIsNeverGivenToWorkersOfThisOne(@TempDir Path cds) throws Exception {
        Path cache = makeCache(cds);
        String other = jarClassPath + java.io.File.pathSeparator + jarClassPath.split(java.io.File.pathSeparator)[0];
        try (ProcessPool pool = pool(1, cds).classpath(other).build()) {
            assertThat(pool.submit(() -> 1).get()).isEqualTo(1);
            assertThat(arguments(pool.workerPids().iterator().next())).doesNotContain("-XX:AOTCache=" + cache)
                    .contains("-XX:AOTMode=record");
        }
        awaitTwoCaches(cds);
    }

    private static void awaitTwoCaches(Path cds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (files(cds).stream().filter(n -> n.endsWith(".aot")).count() != 2 || files(cds).size() != 2) {
            if (System.nanoTime() > deadline) {
                fail("expected a second cache, for the other class path; the directory holds " + files(cds));
            }
            Thread.sleep(50); // a directory to watch: nothing to wait on
        }
    }
}
