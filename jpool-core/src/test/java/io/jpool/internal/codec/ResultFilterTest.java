package io.jpool.internal.codec;


import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Hostile values cost the caller little to refuse, and each refusal names its limit: the
 * SerialDOS graph, huge arrays declared in a few bytes, deep nesting. Ordinary values pass.
 */
public class ResultFilterTest {
    private static final ResultFilter FILTER = ResultFilter.create(null, 256L << 20);

    /** Wouter Coekaerts' SerialDOS: nested HashSets whose hashing costs 2^depth, in a few KB. */
    public static Set<Object> serialDos(int depth) {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < depth; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo"); // t1 differs from t2
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    private static Object decode(byte[] stream) throws Exception {
        byte[] framed = new byte[4 + stream.length];
        framed[0] = (byte) (stream.length >>> 24);
        framed[1] = (byte) (stream.length >>> 16);
        framed[2] = (byte) (stream.length >>> 8);
        framed[3] = (byte) stream.length;
        System.arraycopy(stream, 0, framed, 4, stream.length);
        return JdkCodec.INSTANCE.decode(framed, 0, framed.length, FILTER);
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Throwable refusal(byte[] stream) {
        Throwable[] thrown = new Throwable[1];
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try {
                decode(stream);
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        assertThat(thrown[0]).as("refused").isNotNull();
        return ResultFilter.failure("the result", thrown[0]);
    }

    @Test
    void serialDosIsRefusedQuicklyNamingTheLimit() throws Exception {
        byte[] stream = serialize(serialDos(60)); // under maxDepth: only the hashing cost refuses it
        assertThat(stream.length).isLessThan(8_000);
        long t0 = System.nanoTime();
        Throwable e = refusal(stream);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(e).hasMessageContaining("was refused").hasMessageContaining("maxUnrolledElements")
                .hasMessageNotContaining("allowedResultClasses");
    }

    @Test
    void aListGraphThatWouldCostExponentiallyToHashIsRefused() throws Exception {
        List<Object> top = new ArrayList<>();
        List<Object> level = top;
        for (int i = 0; i < 60; i++) {
            List<Object> next = new ArrayList<>();
            level.add(next);
            level.add(next); // shared: hashing top walks 2^60 lists
            level = next;
        }
        Set<Object> holder = new HashSet<>();
        holder.add("placeholder");
        Object[] value = {top, holder};
        Throwable e = refusal(serialize(value));
        assertThat(e).hasMessageContaining("maxUnrolledElements");
    }

    @Test
    void aHugePrimitiveArrayDeclaredInAFewBytesIsRefusedWithoutAllocating() throws Exception {
        byte[] stream = serialize(new long[1]);
        // the int before the single long's 8 bytes is the array's length
        int at = stream.length - 8 - 4;
        assertThat(Arrays.copyOfRange(stream, at, at + 4)).containsExactly(0, 0, 0, 1);
        stream[at] = 0x7f;
        stream[at + 1] = (byte) 0xff;
        stream[at + 2] = (byte) 0xff;
        stream[at + 3] = (byte) 0xf0;
        assertThat(stream.length).isLessThan(80);
        assertThat(refusal(stream)).hasMessageContaining("maxArrayLength").hasMessageContaining("2147483632");
    }

    @Test
    void objectArraysNested300kDeepAreRefusedByDepth() throws Exception {
        byte[] one = serialize(new Object[] {null});
        byte[] two = serialize(new Object[] {new Object[] {null}});
        byte[] unit = Arrays.copyOfRange(two, one.length - 1, two.length - 1);
        int depth = 300_000;
        byte[] deep = new byte[one.length + unit.length * depth];
        System.arraycopy(one, 0, deep, 0, one.length - 1);
        for (int i = 0; i < depth; i++) {
            System.arraycopy(unit, 0, deep, one.length - 1 + i * unit.length, unit.length);
        }
        deep[deep.length - 1] = 0x70; // TC_NULL ends the innermost array
        assertThat(refusal(deep)).hasMessageContaining("maxDepth");
    }

    @Test
    void valueCodecArraysNestedDeeperThanItWritesAreRefused() {
        int depth = 300_000;
        byte[] b = new byte[depth * 5 + 1];
        for (int i = 0; i < depth; i++) {
            b[i * 5] = 8; // ARRAY of length 1
            b[i * 5 + 4] = 1;
        }
        b[b.length - 1] = 0; // NULL
        assertThatThrownBy(() -> ValueCodec.decode(b, 0, b.length)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper");
    }

    @Test
    void ordinaryValuesPass() throws Exception {
        Map<String, Map<String, Set<Integer>>> nested = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            Map<String, Set<Integer>> inner = new LinkedHashMap<>();
            for (int j = 0; j < 20; j++) {
                inner.put("k" + j, new HashSet<>(List.of(i, j, i + j)));
            }
            nested.put("m" + i, inner);
        }
        assertThat(decode(serialize(nested))).isEqualTo(nested);
        List<Integer> many = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            many.add(i % 1000); // many references to shared Integers
        }
        assertThat(decode(serialize(many))).isEqualTo(many);
        Map<Integer, List<Integer>> shared = new TreeMap<>();
        List<Integer> row = List.of(1, 2, 3);
        for (int i = 0; i < 1000; i++) {
            shared.put(i, row); // one small list shared by every key
        }
        assertThat(decode(serialize(shared))).isEqualTo(shared);
        long[] longs = new long[10_000];
        longs[9_999] = 7;
        assertThat((long[]) decode(serialize(longs))).containsExactly(longs);
        Object[] deepButLegal = {null};
        for (int i = 0; i < 90; i++) {
            deepButLegal = new Object[] {deepButLegal};
        }
        assertThat(decode(serialize(deepButLegal))).isInstanceOf(Object[].class);
    }
}
