package io.jpool.internal.ipc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A channel moves from its pipes to a socket while frames flow both ways: every frame arrives,
 * once and in order, whichever end moves first.
 */
class FrameChannelMoveTest {
    private UnixSocketPair sockets;
    private FrameChannel a;
    private FrameChannel b;
    private FrameChannel socketA;
    private FrameChannel socketB;
    /**
     * A thread per party: the parties block on each other's pipes, so they must all run at once
     * (the common ForkJoinPool has one thread on 2 CPUs, and ran them one after the other).
     */
    private final ExecutorService parties = Executors.newCachedThreadPool();

    @BeforeEach
    void connect() throws Exception {
        PipedInputStream aIn = new PipedInputStream(1 << 16);
        PipedInputStream bIn = new PipedInputStream(1 << 16);
        PipedOutputStream toA = new PipedOutputStream(aIn);
        PipedOutputStream toB = new PipedOutputStream(bIn);
        a = new FrameChannel(aIn, flushing(toB), FrameChannel.MAX_FRAME);
        b = new FrameChannel(bIn, flushing(toA), FrameChannel.MAX_FRAME);
        sockets = UnixSocketPair.open("jpool-move-test");
        socketA = sockets.client;
        socketB = sockets.server;
    }

    /** A piped stream wakes its reader only on flush (else the reader polls once a second). */
    private static OutputStream flushing(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                out.flush();
            }
        };
    }

    @AfterEach
    void close() throws Exception {
        parties.shutdownNow();
        a.close();
        b.close();
        sockets.close();
        assertThat(parties.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends 200 frames from {@code from}, moving it to {@code socket} after frame {@code moveAt}. */
    private CompletableFuture<Void> send(FrameChannel from, FrameChannel socket, int moveAt, CountDownLatch moved) {
        return CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 200; i++) {
                    if (i == moveAt) {
                        from.moveTo(socket);
                        moved.countDown();
                    }
                    if (i % 50 == 7) {
                        byte[] big = new byte[300_000];
                        big[0] = (byte) i;
                        from.write(new ByteBuffer[] {text("big " + i)}, big);
                    } else {
                        from.write(text("frame " + i));
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, parties);
    }

    private static void receive(FrameChannel at) throws Exception {
        for (int i = 0; i < 200; i++) {
            String s = new String(at.read(), StandardCharsets.UTF_8);
            if (i % 50 == 7) {
                assertThat(s).isEqualTo("big " + i);
                assertThat(at.tail()).hasSize(300_000).startsWith((byte) i);
            } else {
                assertThat(s).isEqualTo("frame " + i);
                assertThat(at.tail()).isNull();
            }
        }
    }

    @RepeatedTest(20)
    void framesBothWaysArriveInOrderAcrossTheMove() throws Exception {
        CountDownLatch aMoved = new CountDownLatch(1);
        CountDownLatch bMoved = new CountDownLatch(1);
        // the ends move at different frames, so each reader meets the mark at another moment
        CompletableFuture<Void> aSends = send(a, socketA, 60, aMoved);
        CompletableFuture<Void> bSends = send(b, socketB, 130, bMoved);
        CompletableFuture<Void> bReceives = CompletableFuture.runAsync(() -> {
            try {
                receive(b);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, parties);
        receive(a);
        bReceives.get(60, TimeUnit.SECONDS);
        aSends.get(60, TimeUnit.SECONDS);
        bSends.get(60, TimeUnit.SECONDS);
        assertThat(a.hasMoved()).isTrue();
        assertThat(b.hasMoved()).isTrue();
        // after the move the pipes carry nothing more: frames go on over the socket
        a.write(text("after"));
        assertThat(new String(b.read(), StandardCharsets.UTF_8)).isEqualTo("after");
    }
}
