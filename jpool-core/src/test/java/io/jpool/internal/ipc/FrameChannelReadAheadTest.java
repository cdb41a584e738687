package io.jpool.internal.ipc;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A socket end reads ahead (one read takes every byte waiting, often several frames): frames still
 * come whole and in order, whatever their sizes (empty, small, larger than the read-ahead buffer,
 * with a tail) and however the bytes are cut, with or without polling before blocking.
 */
class FrameChannelReadAheadTest {

    /** A frame of {@code n} bytes whose content says which frame and which byte it is. */
    private static byte[] body(int frame, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (frame * 31 + i);
        }
        return b;
    }

    @Test
    void manySmallFramesWrittenBeforeTheFirstReadAreReadWholeAndInOrder() throws Exception {
        try (UnixSocketPair pair = UnixSocketPair.open("jpool-readahead-test")) {
            for (int f = 0; f < 500; f++) {
                pair.client.write(body(f, f % 40));
            }
            for (int f = 0; f < 500; f++) {
                assertThat(pair.server.read()).as("frame " + f).isEqualTo(body(f, f % 40));
                assertThat(pair.server.tail()).isNull();
            }
        }
    }

    @RepeatedTest(5)
    void framesOfMixedSizesAndTailsComeWholeWithAndWithoutPolling() throws Exception {
        Random random = new Random();
        int frames = 300;
        List<byte[]> heads = new ArrayList<>();
        List<byte[]> tails = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            int kind = random.nextInt(10);
            int n = kind < 6 ? random.nextInt(200) : kind < 9 ? random.nextInt(70_000) : 100_000 + random.nextInt(200_000);
            heads.add(body(f, n));
            tails.add(random.nextInt(8) == 0 ? body(f + 1, 1 + random.nextInt(150_000)) : null);
        }
        try (UnixSocketPair pair = UnixSocketPair.open("jpool-readahead-test")) {
            pair.server.pollBeforeBlocking(random.nextBoolean() ? TimeUnit.MILLISECONDS.toNanos(1) : 0L);
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    for (int f = 0; f < frames; f++) {
                        if (tails.get(f) == null) {
                            pair.client.write(heads.get(f));
                        } else {
                            pair.client.write(new ByteBuffer[] {ByteBuffer.wrap(heads.get(f))}, tails.get(f));
                        }
                        if (random.nextInt(20) == 0) {
                            Thread.sleep(1); // some frames find the reader waiting, others queued
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int f = 0; f < frames; f++) {
                assertThat(pair.server.read()).as("frame " + f).isEqualTo(heads.get(f));
                assertThat(pair.server.tail()).as("tail of frame " + f).isEqualTo(tails.get(f));
            }
            written.get(30, TimeUnit.SECONDS);
        }
    }
}
