package io.jpool.internal.codec;


import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.ipc.UnixSocketPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InvalidObjectException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A large byte[] that ends a frame travels as the frame's tail and lands in its final array. */
class FrameTailTest {
    private UnixSocketPair sockets;
    private FrameChannel writer;
    private FrameChannel reader;

    @BeforeEach
    void connect() throws Exception {
        sockets = UnixSocketPair.open("jpool-frame-test");
        writer = sockets.client;
        reader = sockets.server;
    }

    @AfterEach
    void close() throws Exception {
        sockets.close();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Sends {@code body} as the pool does, on a thread of its own (a large frame fills the socket). */
    private Object sendAndDecode(Blocks body) throws Exception {
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                if (body.trailing() == null) {
                    writer.write(body.head());
                } else {
                    writer.write(body.head(), body.trailing());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> { // a thread of its own: the common pool may have one thread, busy elsewhere
            Thread t = new Thread(r, "frame-writer");
            t.setDaemon(true);
            t.start();
        });
        byte[] head = reader.read();
        sent.get();
        return Payloads.readValue(head, 0, head.length, reader.tail(), JdkCodec.INSTANCE, null);
    }

    @Test
    void aLargeByteArrayResultIsTheFramesTailAndComesBackWhole() throws Exception {
        byte[] big = random(1 << 20, 1);
        Blocks body = Payloads.value(big, JdkCodec.INSTANCE);
        assertThat(body.trailing()).isSameAs(big);
        assertThat((byte[]) sendAndDecode(body)).isEqualTo(big);
        assertThat(reader.tail()).hasSize(1 << 20);

        Blocks small = Payloads.value("small", JdkCodec.INSTANCE);
        assertThat(small.trailing()).isNull();
        assertThat(sendAndDecode(small)).isEqualTo("small");
        assertThat(reader.tail()).as("a frame without a tail clears the last one").isNull();
    }

    @Test
    void objectsHoldingSeveralBlobsGetEachBackAndOnlyTheLastIsTheTail() throws Exception {
        byte[] a = random(JdkCodec.BLOB_MIN, 2);
        byte[] b = random(300_000, 3);
        byte[] tiny = random(10, 4);
        List<Object> value = List.of(a, "between", tiny, b);
        Blocks body = Payloads.value(value, JdkCodec.INSTANCE);
        assertThat(body.trailing()).isSameAs(b);
        @SuppressWarnings("unchecked")
        List<Object> back = (List<Object>) sendAndDecode(body);
        assertThat((byte[]) back.get(0)).isEqualTo(a);
        assertThat(back.get(1)).isEqualTo("between");
        assertThat((byte[]) back.get(2)).isEqualTo(tiny);
        assertThat((byte[]) back.get(3)).isEqualTo(b);
    }

    @Test
    void bytesWrittenAfterAnAppendedArrayMeanNoTail() throws Exception {
        Blocks body = new Blocks();
        body.append(random(JdkCodec.BLOB_MIN, 5));
        assertThat(body.trailing()).isNotNull();
        body.write(1);
        assertThat(body.trailing()).isNull();
        assertThat(body.head()).hasSameSizeAs(body.buffers());
    }

    @Test
    void theHeadIsEverythingBeforeTheTailAndCanBeTakenAgain() {
        Blocks inner = new Blocks();
        inner.write(new byte[] {1, 2, 3}, 0, 3);
        byte[] big = random(JdkCodec.BLOB_MIN, 6);
        inner.append(big);
        Blocks outer = new Blocks();
        outer.write(9);
        outer.append(inner);
        assertThat(outer.trailing()).isSameAs(big);
        for (int round = 0; round < 2; round++) { // a retried task sends its bytes again
            long headBytes = 0;
            for (ByteBuffer b : outer.head()) {
                headBytes += b.remaining();
            }
            assertThat(headBytes).isEqualTo(outer.size() - big.length);
        }
    }

    @Test
    void aTailThatNoBlobClaimsIsRefused() throws Exception {
        Blocks body = Payloads.value(List.of("no blob here"), JdkCodec.INSTANCE);
        byte[] bytes = body.toArray();
        assertThatThrownBy(() -> Payloads.readValue(bytes, 0, bytes.length, new byte[JdkCodec.BLOB_MIN],
                JdkCodec.INSTANCE, null)).isInstanceOf(InvalidObjectException.class).hasMessageContaining("tail");
        byte[] fast = Payloads.value(7, JdkCodec.INSTANCE).toArray();
        assertThatThrownBy(() -> Payloads.readValue(fast, 0, fast.length, new byte[5], JdkCodec.INSTANCE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tail");
    }
}
