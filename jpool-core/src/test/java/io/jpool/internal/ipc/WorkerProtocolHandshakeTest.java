package io.jpool.internal.ipc;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The handshake line a worker reads from its stdin, and the one HELLO check both transports use. */
class WorkerProtocolHandshakeTest {
    private static final byte[] TOKEN = new byte[WorkerProtocol.TOKEN_BYTES];

    static {
        Arrays.fill(TOKEN, (byte) 0x5a);
    }

    private static byte[] frame(ByteBuffer[] parts) {
        ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(ByteBuffer::remaining).sum());
        for (ByteBuffer p : parts) {
            all.put(p.duplicate());
        }
        return all.array();
    }

    @Test
    void aLineReadsBackAsTheFieldsItWasWrittenWith() {
        WorkerProtocol.HandshakeLine line = WorkerProtocol.HandshakeLine.of(WorkerProtocol.HandshakeLine.PIPES,
                "/tmp/d/3.in", "/tmp/d/3.out", 3, TOKEN, 1L << 40, "cafe");
        String text = line.format();
        assertThat(text.split("\t", -1)).containsExactly("pipes", "/tmp/d/3.in", "/tmp/d/3.out", "3",
                "5a".repeat(WorkerProtocol.TOKEN_BYTES), String.valueOf(1L << 40), "cafe");
        WorkerProtocol.HandshakeLine back = WorkerProtocol.HandshakeLine.parse(text);
        assertThat(back).isEqualTo(line);
        assertThat(back.token()).isEqualTo(TOKEN);
        assertThat(back.toString()).as("the token never shows in a message").doesNotContain("5a5a");
    }

    @Test
    void aSocketLineHasAnEmptySecondFieldAndNoWarmUp() {
        String text = WorkerProtocol.HandshakeLine.of(WorkerProtocol.HandshakeLine.SOCKET, "/tmp/d/s", "", 9, TOKEN,
                100, "").format();
        WorkerProtocol.HandshakeLine back = WorkerProtocol.HandshakeLine.parse(text);
        assertThat(back.transport()).isEqualTo("socket");
        assertThat(back.second()).isEmpty();
        assertThat(back.warmUpHex()).isEmpty();
        assertThat(back.number()).isEqualTo(9);
    }

    @Test
    void aLineThatIsNoHandshakeSaysWhatIsWrong() {
        assertThatThrownBy(() -> WorkerProtocol.HandshakeLine.parse("hello"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 fields where 7");
        assertThatThrownBy(() -> WorkerProtocol.HandshakeLine.parse("tcp\ta\tb\t1\tff\t2\t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"pipes\" or \"socket\"");
        assertThatThrownBy(() -> WorkerProtocol.HandshakeLine.parse("pipes\ta\tb\tone\tff\t2\t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no number");
    }

    @Test
    void aHelloWithThePoolsTokenNamesItsWorker() throws IOException {
        assertThat(WorkerProtocol.checkHello(frame(WorkerProtocol.hello(42, TOKEN)), TOKEN)).isEqualTo(42);
    }

    @Test
    void aWrongTokenAnotherFrameOrAnotherLengthIsRefused() {
        byte[] wrong = TOKEN.clone();
        wrong[WorkerProtocol.TOKEN_BYTES - 1] ^= 1;
        assertThatThrownBy(() -> WorkerProtocol.checkHello(frame(WorkerProtocol.hello(1, wrong)), TOKEN))
                .isInstanceOf(IOException.class).hasMessageContaining("wrong token");
        byte[] ready = frame(WorkerProtocol.hello(1, TOKEN));
        ready[0] = WorkerProtocol.READY;
        assertThatThrownBy(() -> WorkerProtocol.checkHello(ready, TOKEN))
                .isInstanceOf(IOException.class).hasMessageContaining("no HELLO");
        byte[] shortOne = Arrays.copyOf(frame(WorkerProtocol.hello(1, TOKEN)), WorkerProtocol.HEADER + 4);
        assertThatThrownBy(() -> WorkerProtocol.checkHello(shortOne, TOKEN))
                .isInstanceOf(IOException.class).hasMessageContaining("no HELLO");
    }
}
