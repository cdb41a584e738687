package io.jpool.internal.codec;


import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ValueCodecTest {

    private static Object roundTrip(Object v) {
        byte[] b = ValueCodec.encode(v);
        assertThat(b).as("encodable: %s", v).isNotNull();
        return ValueCodec.decode(b, 0, b.length);
    }

    @Test
    void knownValuesComeBackEqualAndOfTheSameClass() {
        List<Object> values = List.of(42, -7L, 3.25, 1.5f, (short) 12, (byte) -3, 'x', true, false, "",
                "héllo wörld ✓", Integer.MIN_VALUE, Long.MAX_VALUE, Double.NaN);
        for (Object v : values) {
            Object back = roundTrip(v);
            assertThat(back).isEqualTo(v).hasSameClassAs(v);
        }
        assertThat(roundTrip(null)).isNull();
        assertThat((byte[]) roundTrip(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
        Object[] nested = {1, "two", null, new Object[] {3L, new byte[] {4}}};
        Object[] back = (Object[]) roundTrip(nested);
        assertThat(back[0]).isEqualTo(1);
        assertThat(back[1]).isEqualTo("two");
        assertThat(back[2]).isNull();
        assertThat(((Object[]) back[3])[0]).isEqualTo(3L);
    }

    @Test
    void otherTypesAreLeftToJavaSerialization() {
        assertThat(ValueCodec.encode(new BigDecimal("1.5"))).isNull();
        assertThat(ValueCodec.encode(new Integer[] {1})).as("typed arrays keep their class").isNull();
        assertThat(ValueCodec.encode(new Object[] {1, List.of()})).isNull();
        assertThat(ValueCodec.encode(new int[] {1})).isNull();
    }

    @Test
    void corruptInputFailsInsteadOfAllocatingWildly() {
        byte[] b = ValueCodec.encode(new Object[] {1, 2});
        b[4] = 0x7f; // array length far beyond the bytes present
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ValueCodec.decode(b, 0, b.length))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aByteArrayLengthPastTheInputFailsBeforeAllocating() {
        byte[] b = ValueCodec.encode(new byte[] {1, 2, 3});
        b[1] = 0x7f; // the byte[] claims ~2 GB: refused, not allocated (which would be OutOfMemoryError)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ValueCodec.decode(b, 0, b.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("byte[] length");
    }
}
