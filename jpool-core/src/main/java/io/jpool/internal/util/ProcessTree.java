package io.jpool.internal.util;


import java.util.List;
import java.util.stream.Collectors;

/**
 * Kills a worker with every process its tasks started. The descendants are listed while the
 * worker still lives: once it is dead they are re-parented and no longer found under it. A
 * process a task starts between the listing and the kill escapes; the worker kills its own
 * descendants too when it exits on its own ({@code process.worker.WorkerMain}), which closes most of that gap.
 */
public final class ProcessTree {
    private ProcessTree() {
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
        for (ProcessHandle h : handles) {
            try {
                h.destroyForcibly();
            } catch (RuntimeException e) {
                // gone already, or not ours to kill
            }
        }
    }
}
