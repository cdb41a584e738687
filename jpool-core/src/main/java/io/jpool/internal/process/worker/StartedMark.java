package io.jpool.internal.process.worker;

import io.jpool.internal.ipc.WorkerProtocol;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The id of the task this worker started last, kept where the caller can read it after the
 * worker's death ({@link WorkerProtocol#startedFile}).
 *
 * <h2>How it works</h2>
 * A file of 8 bytes in the pool's private directory, mapped shared: a store to it lands in the
 * page cache, with no system call, and stays there when the process is killed a moment later. A
 * worker that holds replies ({@link HeldReplies}) may die having run tasks whose replies the
 * caller never saw; this mark tells the caller which of the tasks it held was the one running.
 */
final class StartedMark {
    private final MappedByteBuffer mark;

    private StartedMark(MappedByteBuffer mark) {
        this.mark = mark;
    }

    /**
     * The mark of worker {@code number}, in the directory of {@code fileInPoolDirectory}, or null
     * if it cannot be made (the worker then writes each reply at once).
     */
    static StartedMark open(String fileInPoolDirectory, long number) {
        try {
            Path dir = Path.of(fileInPoolDirectory).getParent();
            if (dir == null) {
                return null;
            }
            try (FileChannel f = FileChannel.open(dir.resolve(WorkerProtocol.startedFile(number)),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                return new StartedMark(f.map(FileChannel.MapMode.READ_WRITE, 0, Long.BYTES));
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Task {@code id} starts now. */
    void started(long id) {
        mark.putLong(0, id);
    }
}
