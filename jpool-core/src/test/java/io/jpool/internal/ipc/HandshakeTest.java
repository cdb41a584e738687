package io.jpool.internal.ipc;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The first frame of an unauthenticated connection: fixed size, bounded time. */
class HandshakeTest {

    /** Two raw ends of one Unix domain socket connection in a temp directory. */
    record RawPair(Path dir, SocketChannel left, SocketChannel right) implements AutoCloseable {
        static RawPair open() throws IOException {
            Path dir = Files.createTempDirectory("jpool-handshake-test");
            UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("s"));
            try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                listener.bind(address);
                SocketChannel left = SocketChannel.open(StandardProtocolFamily.UNIX);
                left.connect(address);
                return new RawPair(dir, left, listener.accept());
            }
        }

        @Override
        public void close() throws IOException {
            left.close();
            right.close();
            Files.deleteIfExists(dir.resolve("s"));
            Files.delete(dir);
        }
    }

    @Test
    void readsTheExpectedFrameAndLeavesTheChannelBlocking() throws Exception {
        try (RawPair pair = RawPair.open()) {
            pair.left().write(ByteBuffer.allocate(7).putInt(3).put(new byte[] {1, 2, 3}).flip());
            assertThat(Handshake.readFirstFrame(pair.right(), 3, TimeUnit.SECONDS.toNanos(10))).containsExactly(1, 2, 3);
            assertThat(pair.right().isBlocking()).isTrue();
        }
    }

    @Test
    void aSilentPeerTimesOut() throws Exception {
        try (RawPair pair = RawPair.open()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> Handshake.readFirstFrame(pair.right(), 32, TimeUnit.MILLISECONDS.toNanos(200)))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(10));
        }
    }

    @Test
    void aPeerThatSendsHalfAFrameTimesOut() throws Exception {
        try (RawPair pair = RawPair.open()) {
            pair.left().write(ByteBuffer.allocate(6).putInt(32).put(new byte[] {1, 2}).flip());
            assertThatThrownBy(() -> Handshake.readFirstFrame(pair.right(), 32, TimeUnit.MILLISECONDS.toNanos(200)))
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void anotherLengthIsRefusedWithoutReadingOn() throws Exception {
        try (RawPair pair = RawPair.open()) {
            pair.left().write(ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE));
            assertThatThrownBy(() -> Handshake.readFirstFrame(pair.right(), 32, TimeUnit.SECONDS.toNanos(10)))
                    .isInstanceOf(IOException.class).hasMessageContaining("declared 2147483647 bytes");
        }
    }

    @Test
    void aPeerThatHangsUpFails() throws Exception {
        try (RawPair pair = RawPair.open()) {
            SocketChannel left = pair.left();
            left.close();
            assertThatThrownBy(() -> Handshake.readFirstFrame(pair.right(), 32, TimeUnit.SECONDS.toNanos(10)))
                    .isInstanceOf(IOException.class).hasMessageContaining("closed");
        }
    }
}
