package io.jpool.internal.ipc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A reader that polls before it blocks ({@link FrameChannel#pollBeforeBlocking}) gets every
 * frame whole, whether its bytes come before the poll, during it, in pieces across its end, or
 * long after it; a socket stays non-blocking while polls find frames and is blocking again once a
 * poll runs out, and the end of the stream during a poll is the end of the stream.
 */
class FrameChannelPollTest {
    /** Long enough that a write made while the reader waits lands inside the poll. */
    private static final long LONG_POLL = TimeUnit.SECONDS.toNanos(20);
    /** So short that the reader blocks after a few polls. */
    private static final long SHORT_POLL = 1L;

    private Path dir;
    private SocketChannel writerEnd;
    private SocketChannel readerEnd;
    private FrameChannel reader;
    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    @BeforeEach
    void connect() throws IOException {
        dir = Files.createTempDirectory("jpool-poll-test");
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("s"));
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(address);
            writerEnd = SocketChannel.open(StandardProtocolFamily.UNIX);
            writerEnd.connect(address);
            readerEnd = listener.accept();
        }
        reader = new FrameChannel(readerEnd);
    }

    @AfterEach
    void close() throws IOException {
        writer.shutdownNow();
        reader.close();
        writerEnd.close();
        Files.deleteIfExists(dir.resolve("s"));
        Files.delete(dir);
    }

    /** The wire form of a frame of {@code n} bytes, each its index modulo 251. */
    private static byte[] frame(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 + n).putInt(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i % 251));
        }
        return b.array();
    }

    private static void assertIsFrameBody(byte[] body, int n) {
        assertThat(body).hasSize(n);
        for (int i = 0; i < n; i++) {
            if (body[i] != (byte) (i % 251)) {
                throw new AssertionError("byte " + i + " of " + n + " is " + body[i]);
            }
        }
    }

    /** Writes {@code bytes} in pieces at the given cuts, each once {@code go} is counted down. */
    private CompletableFuture<Void> writeInPieces(byte[] bytes, CountDownLatch go, int... cuts) {
        return CompletableFuture.runAsync(() -> {
            try {
                go.await();
                int from = 0;
                for (int to : cuts) {
                    writeFully(ByteBuffer.wrap(bytes, from, to - from));
                    from = to;
                }
                writeFully(ByteBuffer.wrap(bytes, from, bytes.length - from));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, writer);
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            writerEnd.write(b);
        }
    }

    @Test
    void framesThatAreThereBeforeThePollAreReadWhole() throws Exception {
        reader.pollBeforeBlocking(LONG_POLL);
        writeFully(ByteBuffer.wrap(frame(3)));
        writeFully(ByteBuffer.wrap(frame(70_000)));
        assertIsFrameBody(reader.read(), 3);
        assertIsFrameBody(reader.read(), 70_000);
    }

    @RepeatedTest(20)
    void aFrameWhoseHeaderComesInPiecesDuringThePollIsReadWhole() throws Exception {
        reader.pollBeforeBlocking(LONG_POLL);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Void> written = writeInPieces(frame(1000), go, 1, 3, 6, 500);
        go.countDown(); // the reader may be polling already, or not yet: either way a piece lands in the poll
        assertIsFrameBody(reader.read(), 1000);
        written.get(10, TimeUnit.SECONDS);
    }

    @RepeatedTest(20)
    void aFrameThatComesAfterAShortPollEndedIsReadByTheBlockingRead() throws Exception {
        reader.pollBeforeBlocking(SHORT_POLL);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Void> written = writeInPieces(frame(200_000), go, 2, 100);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            go.countDown(); // written only once the read is (about to be) under way
            try {
                return reader.read();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertIsFrameBody(read.get(10, TimeUnit.SECONDS), 200_000);
        written.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPollThatFindsAFrameLeavesTheSocketNonBlockingAndOneThatRunsOutLeavesItBlocking() throws Exception {
        reader.pollBeforeBlocking(LONG_POLL);
        writeFully(ByteBuffer.wrap(frame(10)));
        assertIsFrameBody(reader.read(), 10);
        assertThat(readerEnd.isBlocking()).as("still non-blocking after a frame that came during the poll: the"
                + " next poll pays no fcntl").isFalse();
        // a large write from this end meanwhile blocks until the peer reads, rather than ending short or spinning
        byte[] big = new byte[4 << 20];
        CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> drain(4 + big.length), writer);
        reader.write(big);
        assertThat(drained.get(10, TimeUnit.SECONDS)).isEqualTo(4 + big.length);

        writeFully(ByteBuffer.wrap(frame(10)));
        assertIsFrameBody(reader.read(), 10);
        assertThat(readerEnd.isBlocking()).as("non-blocking again after the next frame found by a poll").isFalse();

        reader.pollBeforeBlocking(SHORT_POLL);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.read();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        // the short poll runs out with nothing there: the read then waits, on a blocking socket
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!readerEnd.isBlocking() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(readerEnd.isBlocking()).as("blocking once a poll ran out").isTrue();
        writeFully(ByteBuffer.wrap(frame(10)));
        assertIsFrameBody(read.get(10, TimeUnit.SECONDS), 10);
    }

    private int drain(int n) {
        ByteBuffer b = ByteBuffer.allocate(n);
        try {
            while (b.hasRemaining()) {
                if (writerEnd.read(b) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.position();
    }

    @RepeatedTest(5)
    void aLargeWriteByAnotherThreadWhileTheReaderPollsGoesOutWhole() throws Exception {
        reader.pollBeforeBlocking(LONG_POLL);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.read(); // polls until the peer's frame below
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] big = frame(4 << 20);
        CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> drain(big.length), writer);
        reader.write(ByteBuffer.wrap(big, 4, big.length - 4)); // far more than the socket's buffer holds
        assertThat(drained.get(10, TimeUnit.SECONDS)).isEqualTo(big.length);
        writeFully(ByteBuffer.wrap(frame(7)));
        assertIsFrameBody(read.get(10, TimeUnit.SECONDS), 7);
    }

    @Test
    void theEndOfTheStreamDuringThePollIsTheEndOfTheStream() throws Exception {
        reader.pollBeforeBlocking(LONG_POLL);
        writeFully(ByteBuffer.wrap(frame(5), 0, 2)); // half a header, then the peer goes
        writerEnd.close();
        assertThatThrownBy(reader::read).isInstanceOf(EOFException.class);
    }

    @RepeatedTest(10)
    void overPipesTooFramesComeWholeInPiecesDuringThePollAndAfterIt() throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 16);
        OutputStream out = new PipedOutputStream(in);
        FrameChannel pipes = new FrameChannel(in, OutputStream.nullOutputStream(), FrameChannel.MAX_FRAME);
        byte[] bytes = frame(3000);
        for (long poll : new long[] {LONG_POLL, SHORT_POLL}) {
            pipes.pollBeforeBlocking(poll);
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    out.write(bytes, 0, 3);
                    out.flush();
                    out.write(bytes, 3, bytes.length - 3);
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, writer);
            assertIsFrameBody(pipes.read(), 3000);
            written.get(10, TimeUnit.SECONDS);
        }
        out.close();
        pipes.close();
    }
}
