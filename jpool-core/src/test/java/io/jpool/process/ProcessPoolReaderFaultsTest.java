package io.jpool.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.WorkerDiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a worker sends, the caller's reader thread survives it: an Error while decoding a
 * result or an exception fails only that task; a corrupt frame (empty, truncated, of no known
 * type) is treated as the worker's death. Either way nothing stays RUNNING, the pool keeps its
 * size and {@code close()} returns.
 */
class ProcessPoolReaderFaultsTest {

    /** Thrown by {@link Poison#readObject}: only the caller ever decodes a Poison. */
    static Error error(String kind) {
        switch (kind) {
            case "AssertionError": return new AssertionError("poisoned readObject");
            case "NoClassDefFoundError": return new NoClassDefFoundError("io/jpool/Missing");
            case "StackOverflowError": return new StackOverflowError();
            case "OutOfMemoryError": return new OutOfMemoryError("Java heap space (simulated)");
            default: throw new IllegalArgumentException(kind);
        }
    }

    /** A result whose decoding throws the Error it names. */
    static final class Poison implements Serializable {
        private static final long serialVersionUID = 1L;
        final String kind;

        Poison(String kind) {
            this.kind = kind;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            throw error(kind);
        }
    }

    /** An exception whose decoding throws the Error it names. */
    static final class PoisonException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String kind;

        PoisonException(String kind) {
            super("poison " + kind);
            this.kind = kind;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            throw error(kind);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"AssertionError", "NoClassDefFoundError", "StackOverflowError", "OutOfMemoryError"})
    void anErrorDecodingAResultFailsThatTaskOnly(String kind) throws Exception {
        ProcessPool pool = ProcessSupport.pool(1).build();
        try {
            for (int round = 0; round < 2; round++) { // the one slot is not lost
                PoolFuture<Poison> bad = pool.submit(() -> new Poison(kind));
                Throwable e = bad.exception(Duration.ofSeconds(60));
                assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("could not be read").hasMessageContaining(kind)
                        .hasCauseInstanceOf(Error.class);
                assertThat(pool.submit(() -> 7).get(60, TimeUnit.SECONDS)).isEqualTo(7);
            }
        } finally {
            closeWithin(pool, 60);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"AssertionError", "NoClassDefFoundError", "StackOverflowError", "OutOfMemoryError"})
    void anErrorDecodingATasksExceptionStillReportsIt(String kind) throws Exception {
        ProcessPool pool = ProcessSupport.pool(1).build();
        try {
            PoolFuture<Integer> bad = pool.submit(() -> {
                throw new PoisonException(kind);
            });
            Throwable e = bad.exception(Duration.ofSeconds(60));
            // the exception itself cannot be rebuilt here: its text arrives instead
            assertThat(e).hasMessageContaining("poison " + kind);
            assertThat(pool.submit(() -> 7).get(60, TimeUnit.SECONDS)).isEqualTo(7);
        } finally {
            closeWithin(pool, 60);
        }
    }

    /**
     * A task writes a frame of its own into its worker's pipe to the caller (a worker starts on
     * pipes; its first task runs there): {@code bytes} after the frame's length.
     */
    static int writeRawFrame(byte[] body) throws IOException {
        Path out = null;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    // the pool deletes the named pipes once both ends are open: they live on unnamed
                    if (target.endsWith(".out") || target.endsWith(".out (deleted)")) {
                        out = fd;
                    }
                } catch (IOException ignored) {
                    // a descriptor closed meanwhile
                }
            }
        }
        if (out == null) {
            throw new IllegalStateException("no pipe to the caller found");
        }
        try (DataOutputStream d = new DataOutputStream(new FileOutputStream(out.toFile()))) {
            d.writeInt(body == null ? Integer.MAX_VALUE : body.length); // null: a length past any limit
            if (body != null) {
                d.write(body);
            }
        }
        return 1;
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty", "truncated", "unknownType", "tooLong"})
    void aCorruptFrameCountsAsTheWorkersDeath(String kind) throws Exception {
        byte[] body = kind.equals("empty") ? new byte[0]
                : kind.equals("truncated") ? new byte[] {6, 0, 0} // a RESULT whose id is cut short
                : kind.equals("tooLong") ? null
                : new byte[] {99, 0, 0, 0, 0, 0, 0, 0, 1};
        ProcessPool pool = ProcessSupport.pool(1).build();
        try {
            List<Long> pids = new ArrayList<>();
            PoolFuture<Integer> bad = pool.submit(() -> {
                writeRawFrame(body);
                Thread.sleep(Long.MAX_VALUE); // killed by the caller
                return 0;
            });
            Throwable e = bad.exception(Duration.ofSeconds(60));
            assertThat(e).isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining(body == null ? "channel failed: bad frame length" : "corrupt frame");
            pids.addAll(pool.workerPids());
            assertThat(pool.submit(() -> 7).get(60, TimeUnit.SECONDS)).isEqualTo(7);
            pids.addAll(pool.workerPids());
            closeWithin(pool, 60);
            ProcessSupport.assertAllDead(pids);
            String name = pool.toString().replaceAll(".*\\[(jpool-process-\\d+),.*", "$1");
            io.jpool.thread.PoolTestSupport.assertNoThreadsLeft(name + "-");
        } finally {
            closeWithin(pool, 60);
        }
    }

    @Test
    void aCorruptFrameIsRetriedUnderRetries(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String marker = dir.resolve("wrote").toString();
        ProcessPool pool = ProcessSupport.pool(1).retries(1).build();
        try {
            PoolFuture<Integer> f = pool.submit(() -> {
                if (new java.io.File(marker).createNewFile()) {
                    writeRawFrame(new byte[0]);
                    Thread.sleep(Long.MAX_VALUE);
                }
                return 42;
            });
            assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(42);
        } finally {
            closeWithin(pool, 60);
        }
    }

    /**
     * A RESULT frame for task #1 (a fresh pool's first task) whose value is a 60-odd-byte object
     * stream declaring a {@code long[0x7ffffff0]}: decoding it asks the caller for 16 GB.
     */
    static byte[] hugeArrayResult() throws IOException {
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(stream)) {
            o.writeObject(new long[0]);
        }
        byte[] s = stream.toByteArray();
        java.nio.ByteBuffer.wrap(s).putInt(s.length - 4, 0x7ffffff0); // the array's length, last in the stream
        java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(9 + 1 + 4 + s.length);
        frame.put((byte) 6).putLong(1L); // RESULT, task #1
        frame.put((byte) 0).putInt(s.length).put(s); // by the JDK codec: [int n][object stream]
        return frame.array();
    }

    @Test
    void aResultThatWouldTakeTheCallersMemoryFailsItsTaskOnly() throws Exception {
        byte[] frame = hugeArrayResult();
        // retries: the task's own result, arriving after the forged one, is a reply for a task
        // its worker no longer runs, so that worker is killed as faulty, perhaps with the next task
        ProcessPool pool = ProcessSupport.pool(1).retries(2).build();
        try {
            PoolFuture<Integer> bad = pool.submit(() -> writeRawFrame(frame));
            Throwable e = bad.exception(Duration.ofSeconds(60));
            // refused by the result filter's array limit before anything is allocated (without
            // that limit: an OutOfMemoryError on a heap under 16 GB, caught as "could not be read")
            assertThat(e).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the result of task #1")
                    .hasMessageContaining("array");
            for (int i = 0; i < 3; i++) {
                assertThat(pool.submit(() -> 7).get(60, TimeUnit.SECONDS)).isEqualTo(7);
            }
        } finally {
            closeWithin(pool, 60);
        }
    }

    /** Closes the pool on another thread and asserts it returned in time. */
    static void closeWithin(ProcessPool pool, int seconds) throws Exception {
        CompletableFuture<Void> closed = CompletableFuture.runAsync(pool::close);
        closed.get(seconds, TimeUnit.SECONDS);
    }
}
