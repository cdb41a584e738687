package io.jpool.internal.codec;

import org.junit.jupiter.api.Test;

import java.io.ObjectOutputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one growable byte array: big-endian numbers, patched lengths, growth, a failed encoding undone. */
class ByteWriterTest {

    @Test
    void writesBigEndianNumbersAndPatchesAReservedLength() {
        ByteWriter out = new ByteWriter(1); // grows from its smallest size
        out.write(7);
        int at = out.reserveInt();
        out.writeLong(0x0102030405060708L);
        out.write(new byte[] {9, 10, 11}, 1, 2);
        out.patchInt(at, out.size() - at - 4);
        assertThat(out.toByteArray()).containsExactly(7, 0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11);
    }

    @Test
    void growsPastItsCapacityKeepingEveryByte() {
        ByteWriter out = new ByteWriter(16);
        byte[] big = new byte[1000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        for (int i = 0; i < 10; i++) {
            out.write(i);
        }
        out.write(big, 0, big.length);
        byte[] all = out.toByteArray();
        assertThat(all).hasSize(1010);
        assertThat(all[9]).isEqualTo((byte) 9);
        assertThat(all[1009]).isEqualTo(big[999]);
    }

    @Test
    void aValueTheCodecDoesNotKnowLeavesTheWriterAsItWas() throws Exception {
        ByteWriter out = new ByteWriter(64);
        out.write(1);
        assertThat(ValueCodec.encodeInto(out, new Object[] {1, "two", List.of(3)})).isFalse();
        assertThat(out.toByteArray()).containsExactly(1);
        assertThat(ValueCodec.encodeInto(out, new Object[] {1, "two"})).isTrue();
        byte[] all = out.toByteArray();
        assertThat(ValueCodec.decode(all, 1, all.length - 1)).isEqualTo(new Object[] {1, "two"});
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) { // JDK serialization writes into it directly
            oos.writeObject(List.of(3));
        }
        assertThat(out.size()).isGreaterThan(all.length);
        assertThatThrownBy(() -> out.truncate(out.size() + 1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("cannot truncate");
    }
}
