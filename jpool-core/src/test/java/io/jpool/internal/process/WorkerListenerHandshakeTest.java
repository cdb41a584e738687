package io.jpool.internal.process;

import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.ipc.WorkerProtocol;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool's socket acceptor against peers that are slow, silent or forge their HELLO. */
class WorkerListenerHandshakeTest {

    private static SocketChannel connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return ch;
    }

    private static void hello(SocketChannel ch, long number, byte[] token) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + WorkerProtocol.HEADER + WorkerProtocol.TOKEN_BYTES);
        b.putInt(WorkerProtocol.HEADER + WorkerProtocol.TOKEN_BYTES).put(WorkerProtocol.HELLO).putLong(number).put(token).flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Whether the other end hung up within 10 s (-1 from a read), without blocking the test for good. */
    private static boolean hungUp(SocketChannel ch) throws Exception {
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return ch.read(ByteBuffer.allocate(1));
            } catch (IOException e) {
                return -1;
            }
        });
        try {
            return read.get(10, TimeUnit.SECONDS) == -1;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    @Test
    void idleConnectionsThatNeverSayHelloDelayNoWorker() throws Exception {
        WorkerListener l = new WorkerListener("test", FrameChannel.MAX_FRAME);
        List<SocketChannel> idle = new ArrayList<>();
        try {
            Path socket = l.socketPath();
            for (int i = 0; i < 8; i++) {
                idle.add(connect(socket));
            }
            for (long n = 1; n <= 5; n++) {
                CompletableFuture<FrameChannel> f = l.expect(n);
                try (SocketChannel worker = connect(socket)) {
                    hello(worker, n, l.token());
                    f.get(10, TimeUnit.SECONDS).close();
                }
            }
        } finally {
            for (SocketChannel ch : idle) {
                ch.close();
            }
            l.close();
        }
        assertThat(Files.exists(l.directory())).isFalse();
    }

    @Test
    void aWrongTokenCostsTheWaitingWorkerNothing() throws Exception {
        WorkerListener l = new WorkerListener("test", FrameChannel.MAX_FRAME);
        try {
            Path socket = l.socketPath();
            CompletableFuture<FrameChannel> f = l.expect(7);
            try (SocketChannel forger = connect(socket)) {
                hello(forger, 7, new byte[WorkerProtocol.TOKEN_BYTES]);
                assertThat(hungUp(forger)).as("the forger is hung up on").isTrue();
            }
            assertThat(f).isNotDone();
            try (SocketChannel worker = connect(socket)) {
                hello(worker, 7, l.token());
                f.get(10, TimeUnit.SECONDS).close();
            }
        } finally {
            l.close();
        }
    }

    @Test
    void aHugeLengthPrefixIsRefusedBeforeAnythingIsRead() throws Exception {
        WorkerListener l = new WorkerListener("test", FrameChannel.MAX_FRAME);
        try {
            Path socket = l.socketPath();
            try (SocketChannel ch = connect(socket)) {
                ch.write(ByteBuffer.allocate(4).putInt(0, 60 << 20));
                // the prefix alone ends the handshake: nothing of the declared 60 MB is allocated or waited for
                assertThat(hungUp(ch)).isTrue();
            }
            CompletableFuture<FrameChannel> f = l.expect(1);
            try (SocketChannel worker = connect(socket)) {
                hello(worker, 1, l.token());
                f.get(10, TimeUnit.SECONDS).close();
            }
        } finally {
            l.close();
        }
    }
}
