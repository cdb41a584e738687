package io.jpool.internal.process;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;
import io.jpool.internal.process.worker.WorkerMain;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
}
