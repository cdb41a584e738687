package io.jpool.internal.process;

import io.jpool.internal.ipc.WorkerProtocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the mark a dead worker left of the task it started last ({@link WorkerProtocol#startedFile}):
 * with it, the death handler tells the tasks that ran (their replies died held in the worker) from
 * the one running and the ones that never started.
 */
final class StartedMarks {
    private StartedMarks() {
    }

    /**
     * The id of the task worker {@code number} started last, or 0 if it left no mark (it never
     * held a reply); the mark is deleted either way.
     */
    static long takeLast(Path poolDirectory, long number) {
        if (poolDirectory == null) {
            return 0L;
        }
        Path file = poolDirectory.resolve(WorkerProtocol.startedFile(number));
        try {
            byte[] bytes = Files.readAllBytes(file);
            Files.deleteIfExists(file);
            return bytes.length == Long.BYTES ? ByteBuffer.wrap(bytes).getLong() : 0L;
        } catch (IOException | RuntimeException e) {
            return 0L; // no mark: the worker wrote each reply at once
        }
    }

    /**
     * The index in {@code held} of the task with id {@code started}, the one its worker ran when it
     * died; 0 (the first, as without a mark) if none has that id.
     */
    static int running(java.util.List<ProcessTask<?>> held, long started) {
        for (int i = 0; started != 0 && i < held.size(); i++) {
            if (held.get(i).id == started) {
                return i;
            }
        }
        return 0;
    }
}
