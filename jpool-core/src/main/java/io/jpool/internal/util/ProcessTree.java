package io.jpool.internal.util;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Kills a worker with every process its tasks started. The descendants are listed while the
 * worker still lives: once it is dead they are re-parented and no longer found under it. A
 * process a task starts between the listing and the kill escapes; the worker kills its own
 * descendants too when it exits on its own ({@code process.worker.WorkerMain}: on its way out
 * and in a shutdown hook, for a task's {@code System.exit}), which closes most of that gap.
 *
 * <p>A worker that halts, crashes or is killed from outside leaves its descendants re-parented
 * with nothing to find them by but what they inherited: every worker starts with its own
 * {@link #TAG_VARIABLE} in its environment, and {@link #destroyTagged} (Linux) kills every process
 * whose environment carries it. A task that starts a process with a cleared environment escapes
 * that sweep.
 */
public final class ProcessTree {
    /** The environment variable naming a worker, inherited by whatever its tasks start. */
    public static final String TAG_VARIABLE = "JPOOL_WORKER_TAG";
    private static final AtomicLong TAGS = new AtomicLong();

    private ProcessTree() {
    }

    /** A tag no other live worker of any JVM has: this JVM's pid and a count. */
    public static String newTag() {
        return ProcessHandle.current().pid() + "." + TAGS.incrementAndGet();
    }

    /**
     * SIGKILLs every process whose environment holds {@code TAG_VARIABLE=tag} (where {@code /proc}
     * lists processes' environments; elsewhere nothing). Costs a read of each process's
     * environment: for a worker's unexpected end, not for every exit.
     */
    public static void destroyTagged(String tag) {
        Path proc = Path.of("/proc");
        if (tag == null || !Files.isDirectory(proc)) {
            return;
        }
        byte[] wanted = (TAG_VARIABLE + "=" + tag).getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> isNumber(p.getFileName().toString()))) {
            for (Path dir : pids) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (pid != self && holds(dir.resolve("environ"), wanted)) {
                    ProcessHandle.of(pid).ifPresent(ProcessTree::destroyQuietly);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort, as the other kills here
        }
    }

    private static boolean isNumber(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** True if one of the file's NUL-separated entries is exactly {@code wanted}. */
    private static boolean holds(Path environ, byte[] wanted) {
        byte[] env;
        try {
            env = Files.readAllBytes(environ);
        } catch (IOException | RuntimeException e) {
            return false; // gone, or another user's
        }
        int start = 0;
        while (start < env.length) {
            int end = start;
            while (end < env.length && env[end] != 0) {
                end++;
            }
            if (end - start == wanted.length
                    && Arrays.equals(env, start, end, wanted, 0, wanted.length)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    /** SIGKILLs {@code process} and all its descendants. */
    public static void destroy(Process process) {
        List<ProcessHandle> descendants;
        try {
            descendants = process.descendants().collect(Collectors.toList());
        } catch (RuntimeException e) {
            descendants = List.of(); // the process is gone already, or not ours to list
        }
        process.destroyForcibly();
        destroyAll(descendants);
    }

    /** SIGKILLs every descendant of this JVM: a worker's last act before it halts. */
    public static void destroyDescendantsOfThisProcess() {
        try {
            destroyAll(ProcessHandle.current().descendants().collect(Collectors.toList()));
        } catch (RuntimeException e) {
            // best effort: the worker halts anyway
        }
    }

    private static void destroyAll(List<ProcessHandle> handles) {
        handles.forEach(ProcessTree::destroyQuietly);
    }

    private static void destroyQuietly(ProcessHandle h) {
        try {
            h.destroyForcibly();
        } catch (RuntimeException e) {
            // gone already, or not ours to kill
        }
    }
}
