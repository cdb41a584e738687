package io.jpool.internal.ipc;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Several frames written together ({@link FrameChannel#writeFrames}) arrive whole, in order and
 * as separate frames, over a socket and over pipes; a write that fails says how many frames went
 * out whole before it.
 */
class FrameChannelWriteFramesTest {

    /** Frame {@code f} in two parts: {@code [f, 1, 2]} and {@code f * 100} bytes of {@code f}. */
    private static ByteBuffer[] frame(int f) {
        byte[] body = new byte[f * 100];
        java.util.Arrays.fill(body, (byte) f);
        return new ByteBuffer[] {ByteBuffer.wrap(new byte[] {(byte) f, 1, 2}), ByteBuffer.wrap(body)};
    }

    private static byte[] expected(int f) {
        ByteBuffer[] parts = frame(f);
        ByteBuffer all = ByteBuffer.allocate(parts[0].remaining() + parts[1].remaining());
        all.put(parts[0]).put(parts[1]);
        return all.array();
    }

    private static List<ByteBuffer[]> frames(int n) {
        List<ByteBuffer[]> frames = new ArrayList<>();
        for (int f = 0; f < n; f++) {
            frames.add(frame(f));
        }
        return frames;
    }

    @Test
    void framesWrittenTogetherOverASocketArriveWholeAndInOrder() throws Exception {
        try (UnixSocketPair pair = UnixSocketPair.open("jpool-writeframes-test")) {
            assertThat(pair.client.writeFrames(frames(50))).isEqualTo(50);
            pair.client.write(new byte[] {9}); // a single frame after the batch
            for (int f = 0; f < 50; f++) {
                assertThat(pair.server.read()).as("frame " + f).isEqualTo(expected(f));
            }
            assertThat(pair.server.read()).containsExactly(9);
        }
    }

    @Test
    void framesWrittenTogetherOverPipesArriveWholeAndInOrder() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FrameChannel writer = new FrameChannel(InputStream.nullInputStream(), wire, FrameChannel.MAX_FRAME);
        assertThat(writer.writeFrames(frames(20))).isEqualTo(20);
        FrameChannel reader = new FrameChannel(new java.io.ByteArrayInputStream(wire.toByteArray()),
                OutputStream.nullOutputStream(), FrameChannel.MAX_FRAME);
        for (int f = 0; f < 20; f++) {
            assertThat(reader.read()).as("frame " + f).isEqualTo(expected(f));
        }
    }

    @Test
    void aWriteToAClosedPeerSaysNoFrameWentOutWhole() throws Exception {
        try (UnixSocketPair pair = UnixSocketPair.open("jpool-writeframes-test")) {
            pair.server.close();
            assertThatThrownBy(() -> pair.client.writeFrames(frames(10)))
                    .isInstanceOfSatisfying(FrameChannel.PartialWrite.class, e -> assertThat(e.framesWritten()).isZero());
        }
    }

    @Test
    void overPipesAFailureAfterSomeFramesCountsThoseThatWentOutWhole() throws Exception {
        OutputStream failsAfterThreeWrites = new OutputStream() {
            private int writes;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++writes > 3) {
                    throw new IOException("pipe closed");
                }
            }
        };
        FrameChannel writer = new FrameChannel(InputStream.nullInputStream(), failsAfterThreeWrites, FrameChannel.MAX_FRAME);
        assertThatThrownBy(() -> writer.writeFrames(frames(10)))
                .isInstanceOfSatisfying(FrameChannel.PartialWrite.class, e -> assertThat(e.framesWritten()).isEqualTo(3));
    }
}
