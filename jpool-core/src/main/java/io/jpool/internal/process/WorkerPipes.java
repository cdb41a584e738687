package io.jpool.internal.process;

import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.util.ThreadFactories;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The channel between the caller and one worker JVM: two named pipes in the pool's 0700
 * directory, {@code <n>.in} (caller to worker) and {@code <n>.out} (worker to caller).
 *
 * <h2>Implementation overview</h2>
 * {@code mkfifo} (a child process, run while the worker JVM boots) makes both pipes. Opening a
 * pipe blocks until the other side opens it too, so {@link #open} opens the caller's ends on a
 * thread of its own, in the worker's order (in, then out), then reads the worker's HELLO and
 * checks its token. If the worker dies or never comes, {@link #abandon} opens the pipes itself
 * read-write, which never blocks and frees that thread. Once both sides are open the names are
 * deleted: the pipes live on between the two processes, and nothing is left on disk.
 *
 * <p>Why pipes first and not the pool's Unix domain socket ({@link WorkerListener}): a JVM's
 * first Unix domain socket is slow to open (the NIO native libraries and a SecureRandom), the
 * largest step of a worker's start, while pipes need only {@code java.io}. Once its first result
 * is out, the worker opens the socket in the background and the channel moves there (see
 * {@link WorkerProtocol}): on this kernel a socket round trip is faster, and its wide buffers move
 * megabytes per wake-up where a pipe moves 64 KiB. Where {@code mkfifo} cannot run, workers use
 * the socket from the start. A worker's death closes its ends, so the caller reads end-of-file,
 * as on a socket.
 */
final class WorkerPipes {
    private final Path in;
    private final Path out;
    private final Process mkfifo;
    /** Counted down once the open thread is past both opens (or failed at one). */
    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile boolean abandoned;

    private WorkerPipes(Path in, Path out, Process mkfifo) {
        this.in = in;
        this.out = out;
        this.mkfifo = mkfifo;
    }

    /** Starts making the pipes of worker {@code number} in {@code dir}; IOException if mkfifo cannot run. */
    static WorkerPipes create(Path dir, long number) throws IOException {
        Path in = dir.resolve(number + ".in");
        Path out = dir.resolve(number + ".out");
        Process p = new ProcessBuilder("mkfifo", "-m", "600", in.toString(), out.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        return new WorkerPipes(in, out, p);
    }

    /** Waits for mkfifo; IOException with its message if it failed. */
    void awaitCreated() throws IOException {
        try {
            if (!mkfifo.waitFor(10, TimeUnit.SECONDS)) {
                mkfifo.destroyForcibly();
                throw new IOException("mkfifo did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mkfifo.destroyForcibly();
            throw new IOException("interrupted while mkfifo ran", e);
        }
        if (mkfifo.exitValue() != 0) {
            String why = new String(mkfifo.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            delete();
            throw new IOException("mkfifo exited with code " + mkfifo.exitValue() + ": " + why);
        }
        mkfifo.getErrorStream().close();
    }

    /** The caller-to-worker pipe: the handshake line's first field. */
    Path in() {
        return in;
    }

    /** The worker-to-caller pipe: the handshake line's second field. */
    Path out() {
        return out;
    }

    /**
     * Opens the caller's ends on a new thread and completes with the channel once the worker said
     * HELLO with {@code token}; fails if the pipes broke or were {@link #abandon abandoned}.
     */
    CompletableFuture<FrameChannel> open(byte[] token, long number, int maxFrame, String threadName) {
        CompletableFuture<FrameChannel> result = new CompletableFuture<>();
        ThreadFactories.startDaemon(threadName, () -> {
            FrameChannel channel = null;
            try {
                FileOutputStream toWorker;
                FileInputStream fromWorker;
                try {
                    toWorker = new FileOutputStream(in.toFile());
                    try {
                        fromWorker = new FileInputStream(out.toFile());
                    } catch (IOException e) {
                        toWorker.close();
                        throw e;
                    }
                } finally {
                    opened.countDown();
                }
                channel = new FrameChannel(fromWorker, toWorker, maxFrame);
                delete(); // both sides hold the pipes now
                long named = WorkerProtocol.checkHello(channel.read(), token);
                if (named != number) {
                    throw new IOException("the HELLO on worker " + number + "'s pipes named worker " + named);
                }
                if (abandoned) {
                    throw new IOException("the worker's start was abandoned");
                }
                result.complete(channel);
            } catch (IOException | RuntimeException e) {
                if (channel != null) {
                    channel.close();
                }
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Frees the thread of {@link #open} once the worker is dead (killed, or it died): opening a
     * pipe read-write never blocks and completes a pending open of either end. Both are held
     * until that thread is past its opens; closing them then gives its read end-of-file.
     */
    void abandon() {
        abandoned = true;
        List<RandomAccessFile> held = new ArrayList<>(2);
        for (Path p : new Path[] {in, out}) {
            try {
                held.add(new RandomAccessFile(p.toFile(), "rw"));
            } catch (IOException ignored) {
                // gone: the open thread got past it
            }
        }
        try {
            opened.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (RandomAccessFile f : held) {
            try {
                f.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        delete();
    }

    private void delete() {
        try {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        } catch (IOException ignored) {
            // the pool's directory goes when the pool closes
        }
    }
}
