package io.jpool.internal.process;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a worker JVM: jpool's defaults for a quick start and a known way to die,
 * then the user's options (which win where they repeat one), then the class path and main class.
 * Nothing secret goes here: {@code ps} shows it. The token travels over stdin.
 */
final class WorkerCommand {
    private WorkerCommand() {
    }

    static List<String> build(ProcessPoolConfig config) {
        List<String> cmd = new ArrayList<>();
        cmd.add(config.javaHome().resolve("bin").resolve("java").toString());
        cmd.add("-XX:+ExitOnOutOfMemoryError"); // out of memory: exit code 3, told apart in the report
        cmd.add("-Xshare:auto");                // the JDK's class data archive: faster start
        if (config.jvmOptions().stream().noneMatch(o -> o.matches("-XX:[+]Use\\w*GC"))) {
            cmd.add("-XX:+UseSerialGC");        // fewer GC threads to start; users may choose another
        }
        cmd.add("-XX:-UsePerfData");            // no hsperfdata file per worker
        cmd.add("-XX:+DisplayVMOutputToStderr"); // the JVM's own messages (out of memory) join the stderr tail
        cmd.addAll(config.jvmOptions());
        cmd.add("-cp");
        cmd.add(config.classpath());
        cmd.add(WorkerMain.class.getName());
        return cmd;
    }
}
