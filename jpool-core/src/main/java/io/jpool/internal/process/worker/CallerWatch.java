package io.jpool.internal.process.worker;

import io.jpool.internal.ipc.PrivateDirectories;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.util.ProcessTree;
import io.jpool.internal.util.ThreadFactories;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Makes sure no worker outlives its caller.
 *
 * <p>How it works: a daemon thread keeps reading the worker's stdin, the caller's pipe:
 * end-of-file means the caller's JVM is gone, and the worker halts at once ({@link #channelGone}),
 * as it does when its channel ends. (The caller writes there once more only when it retires the
 * worker: that byte ends the watch, so the exiting JVM has no thread in a native read to wait
 * for.) Before it halts it kills every process its tasks started, and, if the caller was killed
 * outright and could not, deletes the pool's directory.
 */
final class CallerWatch {
    /** A file in the pool's directory (a pipe or the socket), and the caller's pid. */
    private static volatile String poolFile;
    private static volatile long parentPid = -1;
    /** This process, or the launcher under the caller that started it (see {@link #findCaller}). */
    private static volatile ProcessHandle callerChild;

    private CallerWatch() {
    }

    /** Exits: the caller is gone or let go of this worker. */
    static void channelGone() {
        ProcessTree.destroyDescendantsOfThisProcess(); // nothing a task started outlives the caller
        removeOrphanedDirectory(poolFile, parentPid);
        Runtime.getRuntime().halt(WorkerProtocol.EXIT_PARENT_GONE);
    }

    /** Halts when {@code callerPipe} (the JVM's stdin) ends: the caller's JVM is gone (its end closed). */
    static void watchParent(String fileInPoolDirectory, InputStream callerPipe) {
        poolFile = fileInPoolDirectory;
        ThreadFactories.startDaemon("jpool-parent-watch", new Runnable() {
            @Override
            public void run() {
                // found here, off the start's path: ProcessHandle's first use is slow
                findCaller();
                try {
                    if (callerPipe.read() >= 0) {
                        return; // the pool lets this worker go (an EXIT frame follows): stop watching,
                    }           // so that no thread sits in a native read when the JVM exits
                } catch (IOException ignored) {
                    // same as end of file
                }
                channelGone();
            }
        });
    }

    /**
     * The caller is this JVM's parent, unless a launcher that forks (ProcessPool.Builder#launcher)
     * stands between them: then it is the nearest java ancestor, at most three up, and the
     * launcher's parent is watched instead of this JVM's.
     */
    private static void findCaller() {
        ProcessHandle child = ProcessHandle.current();
        Optional<ProcessHandle> parent = child.parent();
        for (int i = 0; i < 3 && parent.isPresent() && !isJava(parent.get()); i++) {
            child = parent.get();
            parent = child.parent();
        }
        if (parent.isPresent() && isJava(parent.get())) {
            callerChild = child;
            parentPid = parent.get().pid();
        } else { // no java ancestor (a caller not named java): the parent, as without a launcher
            callerChild = ProcessHandle.current();
            parentPid = callerChild.parent().map(ProcessHandle::pid).orElse(-1L);
        }
    }

    private static boolean isJava(ProcessHandle h) {
        return h.info().command().map(c -> Path.of(c).getFileName().toString().equals("java"))
                .orElse(false);
    }

    /**
     * A caller killed outright cannot delete its pool's directory: the first of its workers to
     * notice does, if the caller is really gone (never while it lives: new workers connect there).
     */
    private static void removeOrphanedDirectory(String fileInPoolDirectory, long parent) {
        if (fileInPoolDirectory == null) {
            return;
        }
        try {
            // A dead parent may linger as a zombie, but its children are re-parented as it exits,
            // a moment after its sockets and pipes closed: give that moment (at most ~0.5 s).
            boolean parentAlive = parent > 0;
            for (int i = 0; i < 50 && parentAlive; i++) {
                ProcessHandle child = callerChild != null ? callerChild : ProcessHandle.current();
                parentAlive = child.parent().map(ProcessHandle::pid).orElse(-1L) == parent;
                if (parentAlive) {
                    Thread.sleep(10);
                }
            }
            Path dir = Path.of(fileInPoolDirectory).getParent();
            if (!parentAlive && dir != null && dir.getFileName().toString().startsWith("jpool-pool-")) {
                PrivateDirectories.delete(dir); // another worker may be at it too: a gone file is no matter
            }
        } catch (RuntimeException ignored) {
            // best effort: another worker may have done it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
