package io.jpool.internal.process;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;
import io.jpool.internal.process.worker.WorkerMain;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The worker's command line: jpool's defaults first, the user's options after them, so the user's win. */
class WorkerCommandTest {

    private static ProcessPoolConfig config(List<String> jvmOptions) {
        return new ProcessPoolConfig(1, jvmOptions, "cp", Path.of(System.getProperty("java.home")), Map.of(),
                null, 0, null, 0, WorkerOutput.DISCARD, null, 1 << 20, null, false, List.of());
    }

    @Test
    void jpoolsDefaultsComeFirstAndTheUsersOptionsAfterThem() {
        List<String> cmd = WorkerCommand.build(config(List.of("-XX:+UsePerfData", "-Xshare:off")), List.of("-Xextra"));
        assertThat(cmd).containsSubsequence("-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData",
                "-XX:+DisplayVMOutputToStderr", "-Xextra", "-XX:+UsePerfData", "-Xshare:off", "-cp", "cp",
                WorkerMain.class.getName());
        // no collector, stack size or compiler level of jpool's own: measured, none cut an idle
        // worker's memory enough to be worth what it costs some tasks (see ProcessPool#jvmOptions)
        assertThat(cmd).noneMatch(o -> o.matches("-XX:[+-]Use\\w+GC|-Xss.*|-XX:TieredStopAtLevel=.*|-Xm[sx].*"));
        // nor -Xshare: it is the JVM's default, and JDK 25 refuses it beside an AOT cache option
        assertThat(cmd.subList(0, cmd.indexOf("-Xextra"))).noneMatch(o -> o.startsWith("-Xshare"));
    }

    @Test
    void theAssemblyCommandIsTheWorkersWithoutItsMainClass() {
        ProcessPoolConfig config = config(List.of("-Xmx64m"));
        List<String> worker = WorkerCommand.build(config, List.of("-Xextra"));
        assertThat(WorkerCommand.jvm(config, List.of("-Xextra"))).isEqualTo(worker.subList(0, worker.size() - 1));
    }

    @Test
    void aUsersOptionWinsOverJpoolsDefaultInTheWorker() throws Exception {
        assertThat(usePerfDataInAWorker()).isEqualTo("false"); // jpool's default
        assertThat(usePerfDataInAWorker("-XX:+UsePerfData")).isEqualTo("true");
    }

    private static String usePerfDataInAWorker(String... options) throws Exception {
        try (ProcessPool pool = ProcessPool.builder().maxWorkers(1).jvmOptions(options)
                .workerOutput(WorkerOutput.DISCARD).build()) {
            return pool.submit(() -> ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("UsePerfData").getValue()).get();
        }
    }

    @Test
    void onLinuxTheWorkerIsToldTheJdksSelectorProviderBeforeTheUsersOptions() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "the provider's name is known on Linux only");
        String option = "-D" + WorkerCommand.SELECTOR_PROVIDER + "=sun.nio.ch.EPollSelectorProvider";
        assertThat(WorkerCommand.build(config(List.of("-Xmx64m")))).containsSubsequence(option, "-Xmx64m");
        ProcessPoolConfig otherJdk = new ProcessPoolConfig(1, List.of(), "cp", Path.of("/opt/another-jdk"), Map.of(),
                null, 0, null, 0, WorkerOutput.DISCARD, null, 1 << 20, null, false, List.of());
        assertThat(WorkerCommand.build(otherJdk)).doesNotContain(option); // its classes are not known here
    }

    /**
     * A worker's first socket (its move from the pipes after its first result) opens no jar it
     * loads no class from: without the provider's name, the JVM's look-up of a SelectorProvider
     * service opens every jar on the class path and keeps it open.
     */
    @Test
    void aWorkersMoveToItsSocketOpensNoJarOfTheClassPathItLoadsNoClassFrom(@TempDir Path dir) throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "reads /proc/self/fd");
        Path unused = dir.resolve("unused.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(unused))) {
            jar.putNextEntry(new ZipEntry("unused.txt"));
            jar.write("no class here".getBytes(StandardCharsets.UTF_8));
        }
        String classpath = WorkerClassPath.resolve(System.getProperty("java.class.path")) + File.pathSeparator + unused;
        try (ProcessPool pool = ProcessPool.builder().maxWorkers(1).classpath(classpath)
                .workerOutput(WorkerOutput.DISCARD).build()) {
            // its first result is out: it moves, between tasks (the frame that says where comes in
            // between them), so each task looks once and the next comes after a pause
            List<String> open = pool.submit(WorkerCommandTest::openFiles).get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (open.stream().noneMatch(f -> f.startsWith("socket:")) && System.nanoTime() < deadline) {
                Thread.sleep(20); // the move is the worker's own business: nothing here to wait on
                open = pool.submit(WorkerCommandTest::openFiles).get(60, TimeUnit.SECONDS);
            }
            assertThat(open).anyMatch(f -> f.startsWith("socket:"));
            assertThat(open).doesNotContain(unused.toString());
        }
    }

    /** In a worker: what its file descriptors point at. */
    private static List<String> openFiles() throws IOException {
        List<String> open = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    open.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException closed) {
                    // closed meanwhile (the listing's own descriptor)
                }
            }
        }
        return open;
    }
}
