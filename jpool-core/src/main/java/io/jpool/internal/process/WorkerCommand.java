package io.jpool.internal.process;

import io.jpool.internal.process.worker.WorkerMain;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a worker JVM: the user's launcher prefix if any (prlimit, setpriv...), then
 * java with jpool's defaults for a quick start and a known way to die, then the user's options (which win where they repeat one), then the class path and main class.
 * Nothing secret goes here: {@code ps} shows it. The token travels over stdin.
 *
 * <p>No {@code -Xshare:auto}: it is the JVM's default already, and JDK 24+ refuses to start with
 * it beside an AOT cache option ({@code -XX:AOTCache}), the user's or {@link WorkerArchive}'s.
 */
final class WorkerCommand {
    private WorkerCommand() {
    }

    static List<String> build(ProcessPoolConfig config) {
        return build(config, List.of());
    }

    /** The command with {@code extra} options after jpool's and before the user's. */
    static List<String> build(ProcessPoolConfig config, List<String> extra) {
        List<String> cmd = jvm(config, extra);
        cmd.add(WorkerMain.class.getName());
        return cmd;
    }

    /**
     * The worker's command up to its class path, without the main class: for a JVM that must see
     * the worker's JDK, options and class path but run no worker (an AOT cache's assembly).
     */
    static List<String> jvm(ProcessPoolConfig config, List<String> extra) {
        List<String> cmd = new ArrayList<>(config.launcher());
        cmd.add(config.javaHome().resolve("bin").resolve("java").toString());
        cmd.add("-XX:+ExitOnOutOfMemoryError"); // out of memory: exit code 3, told apart in the report
        // No -XX:+UseSerialGC: on JDK 17 only G1 maps the archived heap (module graph, strings), which
        // makes a worker start sooner; the JVM picks the serial collector itself on small machines.
        cmd.add("-XX:-UsePerfData");            // no hsperfdata file per worker
        cmd.add("-XX:+DisplayVMOutputToStderr"); // the JVM's own messages (out of memory) join the stderr tail
        cmd.addAll(extra);
        cmd.addAll(config.jvmOptions());
        cmd.add("-cp");
        cmd.add(config.classpath());
        return cmd;
    }
}
