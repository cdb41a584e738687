package io.jpool.internal.process;

import io.jpool.internal.process.worker.WorkerMain;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a worker JVM: the user's launcher prefix if any (prlimit, setpriv...), then
 * java with jpool's defaults for a quick start and a known way to die, then the user's options (which win where they repeat one), then the class path and main class.
 * Nothing secret goes here: {@code ps} shows it. The token travels over stdin.
 */
final class WorkerCommand {
    private WorkerCommand() {
    }

    static List<String> build(ProcessPoolConfig config) {
        return build(config, List.of());
    }

    /** The command with {@code extra} options after jpool's and before the user's. */
    static List<String> build(ProcessPoolConfig config, List<String> extra) {
        List<String> cmd = new ArrayList<>(config.launcher());
        cmd.add(config.javaHome().resolve("bin").resolve("java").toString());
        cmd.add("-XX:+ExitOnOutOfMemoryError"); // out of memory: exit code 3, told apart in the report
        cmd.add("-Xshare:auto");                // the JDK's class data archive: faster start
        // No -XX:+UseSerialGC: on JDK 17 only G1 maps the archived heap (module graph, strings), and a
        // worker then starts ~10 ms sooner; the JVM picks the serial collector itself on small machines.
        cmd.add("-XX:-UsePerfData");            // no hsperfdata file per worker
        cmd.add("-XX:+DisplayVMOutputToStderr"); // the JVM's own messages (out of memory) join the stderr tail
        cmd.addAll(extra);
        cmd.addAll(config.jvmOptions());
        cmd.add("-cp");
        cmd.add(config.classpath());
        cmd.add(WorkerMain.class.getName());
        return cmd;
    }
}
