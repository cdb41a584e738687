package io.jpool.internal.process;

import io.jpool.internal.ipc.WorkerProtocol;

import java.util.List;

/**
 * Says why a worker died, from what the pool knows: a reason it set itself when it killed the
 * worker (timeout, cancel, shutdownNow), else the exit code: 3 with the JVM's "Terminating due to
 * java.lang.OutOfMemoryError" line on stderr is its exit on OutOfMemoryError (jpool starts workers
 * with {@code -XX:+ExitOnOutOfMemoryError}; a plain {@code System.exit(3)} has no such line), above 128 is
 * a signal, {@link WorkerProtocol#EXIT_PARENT_GONE} a lost channel, anything else {@code System.exit}
 * or {@code Runtime.halt}. The last stderr lines follow.
 */
final class DeathReport {
    private DeathReport() {
    }

    static String describe(long pid, int exitCode, String killReason, List<String> stderrTail) {
        StringBuilder b = new StringBuilder("worker pid ").append(pid).append(' ');
        if (killReason != null) {
            b.append("was killed: ").append(killReason);
        } else if (exitCode == WorkerProtocol.EXIT_OUT_OF_MEMORY
                && stderrTail.stream().anyMatch(l -> l.startsWith("Terminating due to java.lang.OutOfMemoryError"))) {
            b.append("ran out of memory (OutOfMemoryError; give workers more with jvmOptions(\"-Xmx...\"))");
        } else if (exitCode > 128) {
            b.append("was killed by signal ").append(signalName(exitCode - 128));
        } else if (exitCode == WorkerProtocol.EXIT_PARENT_GONE) {
            b.append("lost its channel to the pool and exited");
        } else {
            b.append("exited with code ").append(exitCode).append(" (System.exit or Runtime.halt in the task)");
        }
        b.append("; pid ").append(pid).append(", exit code ").append(exitCode);
        if (!stderrTail.isEmpty()) {
            b.append("; last stderr lines:");
            for (String line : stderrTail) {
                b.append("\n  ").append(line);
            }
        }
        return b.toString();
    }

    static String signalName(int signal) {
        switch (signal) {
            case 1: return "SIGHUP (1)";
            case 2: return "SIGINT (2)";
            case 6: return "SIGABRT (6)";
            case 9: return "SIGKILL (9)";
            case 11: return "SIGSEGV (11)";
            case 15: return "SIGTERM (15)";
            default: return "#" + signal;
        }
    }
}
