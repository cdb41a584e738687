package io.jpool.internal.manager;

import io.jpool.TaskFunction;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** The manager's message frames: round trips of each message, the values' two codings, bad frames. */
class WireTest {

    record Point(int x, int y) implements Serializable {
    }

    private static Object roundTrip(Object message) throws Exception {
        return Wire.decode(Wire.encode(message));
    }

    private static Wire.Request request(Object... args) {
        return new Wire.Request(7L, 42L, Op.MapOp.PUT, "counts", args);
    }

    private static void assertSameRequest(Wire.Request back, Wire.Request sent) {
        assertThat(back.id()).isEqualTo(sent.id());
        assertThat(back.threadId()).isEqualTo(sent.threadId());
        assertThat(back.op()).isEqualTo(sent.op());
        assertThat(back.name()).isEqualTo(sent.name());
        assertThat(Arrays.deepEquals(back.args(), sent.args()))
                .as("args %s vs %s", Arrays.deepToString(back.args()), Arrays.deepToString(sent.args())).isTrue();
    }

    /** Whether the frame holds a JDK serialization stream (its magic, 0xACED). */
    private static boolean hasJavaStream(byte[] frame) {
        for (int i = 0; i + 1 < frame.length; i++) {
            if (frame[i] == (byte) 0xac && frame[i + 1] == (byte) 0xed) {
                return true;
            }
        }
        return false;
    }

    @Test
    void requestWithCodecValuesRoundTripsWithoutJavaSerialization() throws Exception {
        Wire.Request sent = request(42, -7L, 3.25, 1.5f, (short) 12, (byte) -3, 'x', true, false, null, "",
                "héllo wörld ✓ 😀", Long.MIN_VALUE, Double.NaN, new byte[] {1, 2, 3}, new Object[] {1, "two", null, new byte[] {4}});
        byte[] frame = Wire.encode(sent);
        assertThat(hasJavaStream(frame)).as("no JDK serialization for codec values").isFalse();
        Wire.Request back = (Wire.Request) Wire.decode(frame);
        assertSameRequest(back, sent);
        for (int i = 0; i < sent.args().length; i++) {
            if (sent.args()[i] != null) {
                assertThat(back.args()[i]).hasSameClassAs(sent.args()[i]);
            }
        }
    }

    @Test
    void requestStringsAndArgumentCountsOfEveryShapeRoundTrip() throws Exception {
        assertSameRequest((Wire.Request) roundTrip(request()), request());
        Wire.Request wideName = new Wire.Request(Long.MAX_VALUE, -1L, Op.LockOp.TRY_LOCK, "名前 \uD800 ÿ", new Object[] {5L});
        assertSameRequest((Wire.Request) roundTrip(wideName), wideName);
        Wire.Request nulls = new Wire.Request(1, 2, Op.ValueOp.GET, null, null);
        Wire.Request back = (Wire.Request) roundTrip(nulls);
        assertThat(back.name()).isNull();
        assertThat(back.args()).isNull();
    }

    @Test
    void arbitrarySerializableValuesRoundTripThroughJavaSerialization() throws Exception {
        ArrayList<Integer> list = new ArrayList<>(List.of(1, 2, 3));
        Map<String, Point> map = new HashMap<>(Map.of("p", new Point(1, 2)));
        TaskFunction<Integer, Integer> fn = x -> x + 1;
        Wire.Request sent = request(new Point(3, 4), list, map, new String[] {"typed", "array"},
                new Object[] {1, List.of("mixed")}, "lone \uDC00 surrogate", 17);
        byte[] frame = Wire.encode(sent);
        assertThat(hasJavaStream(frame)).isTrue();
        Wire.Request back = (Wire.Request) Wire.decode(frame);
        assertSameRequest(back, sent);
        assertThat(back.args()[3]).isInstanceOf(String[].class);
        assertThat(back.args()[5]).as("an unpaired surrogate arrives as it was").isEqualTo("lone \uDC00 surrogate");

        Wire.Request withFn = request("k", 1, fn);
        @SuppressWarnings("unchecked")
        TaskFunction<Integer, Integer> fnBack = (TaskFunction<Integer, Integer>) ((Wire.Request) roundTrip(withFn)).args()[2];
        assertThat(fnBack.apply(41)).isEqualTo(42);
    }

    @Test
    void cancelRoundTrips() throws Exception {
        Object back = roundTrip(new Wire.Cancel(123456789012L));
        assertThat(back).isEqualTo(new Wire.Cancel(123456789012L));
    }

    @Test
    void responsesRoundTrip() throws Exception {
        Wire.Response counter = (Wire.Response) roundTrip(new Wire.Response(9, true, 1234L));
        assertThat(counter).isEqualTo(new Wire.Response(9, true, 1234L));
        assertThat(roundTrip(new Wire.Response(10, true, null))).isEqualTo(new Wire.Response(10, true, null));
        Wire.Response list = (Wire.Response) roundTrip(new Wire.Response(11, true, new ArrayList<>(List.of("a", "b"))));
        assertThat(list.value()).isEqualTo(List.of("a", "b")).isInstanceOf(ArrayList.class);
        Wire.Response bytes = (Wire.Response) roundTrip(new Wire.Response(12, true, new byte[] {9, 8}));
        assertThat((byte[]) bytes.value()).containsExactly(9, 8);
    }

    @Test
    void throwableResponseKeepsClassMessageCauseAndStackTrace() throws Exception {
        IllegalStateException thrown = new IllegalStateException("queue \"q\" is closed", new UncheckedIOException(new IOException("disk")));
        Wire.Response back = (Wire.Response) roundTrip(new Wire.Response(5, false, thrown));
        assertThat(back.id()).isEqualTo(5);
        assertThat(back.ok()).isFalse();
        Throwable t = (Throwable) back.value();
        assertThat(t).isExactlyInstanceOf(IllegalStateException.class).hasMessage("queue \"q\" is closed");
        assertThat(t.getStackTrace()).isEqualTo(thrown.getStackTrace());
        assertThat(t.getCause()).isExactlyInstanceOf(UncheckedIOException.class);
        assertThat(t.getCause().getCause()).isExactlyInstanceOf(IOException.class).hasMessage("disk");
    }

    @Test
    void unserializableValuesFailWithTheirClassNamed() {
        assertThatThrownBy(() -> Wire.encode(request("k", new Object())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not serializable").hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> Wire.encode(new Wire.Response(1, true, List.of(new Thread()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not serializable").hasMessageContaining("java.lang.Thread");
        assertThatThrownBy(() -> Wire.copy(new Object[] {1, new Object()}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not serializable").hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> Wire.encode("not a message"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.String");
    }

    @Test
    void copyIsDeepAndKeepsImmutablesAsTheyAre() {
        String s = "same";
        Long n = 123456789L;
        assertThat(Wire.copy(s)).isSameAs(s);
        assertThat(Wire.copy(n)).isSameAs(n);
        ArrayList<List<Integer>> list = new ArrayList<>(List.of(new ArrayList<>(List.of(1))));
        ArrayList<List<Integer>> listCopy = Wire.copy(list);
        assertThat(listCopy).isEqualTo(list).isNotSameAs(list);
        assertThat(listCopy.get(0)).isNotSameAs(list.get(0));
        byte[] bytes = {1, 2};
        assertThat(Wire.copy(bytes)).containsExactly(1, 2).isNotSameAs(bytes);
        Object[] args = {"k", new byte[] {3}, new Point(1, 1)};
        Object[] argsCopy = Wire.copy(args);
        assertThat(Arrays.deepEquals(argsCopy, args)).isTrue();
        assertThat(argsCopy).isNotSameAs(args);
        assertThat(argsCopy[1]).isNotSameAs(args[1]);
    }

    @Test
    void truncatedFramesThrowIOException() {
        byte[] frame = Wire.encode(request("k", 1, new Point(1, 2), new byte[] {1, 2, 3}, new ArrayList<>(List.of(1))));
        for (int n = 0; n < frame.length; n++) {
            byte[] cut = Arrays.copyOf(frame, n);
            assertThatThrownBy(() -> Wire.decode(cut)).as("frame cut to %d of %d bytes", n, frame.length)
                    .isInstanceOf(IOException.class);
        }
        byte[] response = Wire.encode(new Wire.Response(3, false, new IllegalStateException("x")));
        assertThatThrownBy(() -> Wire.decode(Arrays.copyOf(response, response.length - 1))).isInstanceOf(IOException.class);
    }

    @Test
    void garbledFramesThrowIOException() {
        byte[] frame = Wire.encode(request("k", 1));
        byte[] trailing = Arrays.copyOf(frame, frame.length + 1);
        assertThatThrownBy(() -> Wire.decode(trailing)).isInstanceOf(IOException.class).hasMessageContaining("after the message");
        assertThatThrownBy(() -> Wire.decode(new byte[] {'Z', 0, 0})).isInstanceOf(IOException.class).hasMessageContaining("unknown message tag");
        byte[] badOk = Wire.encode(new Wire.Response(1, true, 5));
        badOk[9] = 7;
        assertThatThrownBy(() -> Wire.decode(badOk)).isInstanceOf(IOException.class).hasMessageContaining("ok flag");
        byte[] failedWithoutThrowable = Wire.encode(new Wire.Response(1, true, 5));
        failedWithoutThrowable[9] = 0;
        assertThatThrownBy(() -> Wire.decode(failedWithoutThrowable)).isInstanceOf(IOException.class).hasMessageContaining("not a Throwable");
        byte[] badValue = Wire.encode(new Wire.Response(1, true, "s"));
        badValue[10] = 'x';
        assertThatThrownBy(() -> Wire.decode(badValue)).isInstanceOf(IOException.class).hasMessageContaining("unknown value kind");
        byte[] badCodec = Wire.encode(new Wire.Response(1, true, 5));
        badCodec[15] = 99; // the codec's tag
        assertThatThrownBy(() -> Wire.decode(badCodec)).isInstanceOf(IOException.class).hasMessageContaining("unreadable value");
        byte[] badJava = Wire.encode(new Wire.Response(1, true, new Point(1, 2)));
        badJava[15] = 0; // the JDK stream's magic
        assertThatThrownBy(() -> Wire.decode(badJava)).isInstanceOf(IOException.class);
    }

    @Test
    void everySingleByteCorruptionEitherDecodesOrThrowsACheckedException() {
        // No codec byte[] here: ValueCodec allocates a byte[] of the length it reads before it finds
        // the bytes missing, so a corrupt length could ask for a gigabyte.
        byte[] frame = Wire.encode(request("k", -5L, "text", new Object[] {1, null, 2.5}, new Point(1, 2)));
        Random random = new Random(1);
        for (int i = 0; i < frame.length; i++) {
            for (int flip : new int[] {0xff, 1 << random.nextInt(8)}) {
                byte[] bad = frame.clone();
                bad[i] ^= (byte) flip;
                try {
                    Wire.decode(bad);
                } catch (IOException | ClassNotFoundException expected) {
                    // a checked failure: the reader loops end the connection cleanly
                } catch (RuntimeException | Error e) {
                    fail("byte " + i + " xor " + flip + " made decode throw " + e, e);
                }
            }
        }
        byte[] noise = new byte[64];
        for (int round = 0; round < 2000; round++) {
            random.nextBytes(noise);
            noise[0] = (byte) "QRC".charAt(round % 3);
            try {
                Wire.decode(noise);
            } catch (IOException | ClassNotFoundException expected) {
                // fine
            } catch (RuntimeException | Error e) {
                fail("random frame " + round + " made decode throw " + e, e);
            }
        }
    }

    /** Its readObject throws an Error, as a class missing a dependency or a hostile one may. */
    static final class Exploding implements Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(java.io.ObjectInputStream in) {
            throw new StackOverflowError("exploding on read");
        }
    }

    @Test
    void everyOperationOfEveryKindRoundTripsAsTwoBytes() throws Exception {
        for (Kind kind : Kind.values()) {
            for (int code = 0; kind.op(code) != null; code++) {
                Op op = kind.op(code);
                assertThat(op.kind()).isEqualTo(kind);
                Wire.Request sent = new Wire.Request(1, 2, op, "n", new Object[0]);
                byte[] frame = Wire.encode(sent);
                assertThat(frame[17]).isEqualTo((byte) kind.ordinal());
                assertThat(frame[18]).isEqualTo((byte) code);
                assertSameRequest((Wire.Request) Wire.decode(frame), sent);
            }
        }
    }

    @Test
    void anUnknownKindOrOperationCodeFailsOnlyThatCallWithoutDecodingItsValues() throws Exception {
        // the values would throw if decoded: an unknown call's are skipped
        byte[] frame = Wire.encode(new Wire.Request(21L, 1L, Op.MapOp.PUT, "m", new Object[] {"k", new Exploding()}));
        byte[] unknownOp = frame.clone();
        unknownOp[18] = 99;
        assertThatThrownBy(() -> Wire.decode(unknownOp)).isInstanceOfSatisfying(Wire.UnknownOperation.class, e -> {
            assertThat(e.id).isEqualTo(21L);
            assertThat(e.getMessage()).contains("no operation on a shared map has code 99")
                    .contains("use the same jpool version");
        });
        byte[] unknownKind = frame.clone();
        unknownKind[17] = (byte) 200;
        assertThatThrownBy(() -> Wire.decode(unknownKind)).isInstanceOfSatisfying(Wire.UnknownOperation.class,
                e -> assertThat(e.getMessage()).contains("no kind of shared object has code 200"));
        byte[] cut = Arrays.copyOf(unknownOp, unknownOp.length - 1);
        assertThatThrownBy(() -> Wire.decode(cut)).as("a bad frame stays a bad frame")
                .isInstanceOf(IOException.class).isNotInstanceOf(Wire.UnknownOperation.class);
        byte[] trailing = Arrays.copyOf(unknownOp, unknownOp.length + 1);
        assertThatThrownBy(() -> Wire.decode(trailing)).isInstanceOf(IOException.class).hasMessageContaining("after the message");
    }

    @Test
    void anAckRoundTrips() throws Exception {
        assertThat(((Wire.Ack) roundTrip(new Wire.Ack(-3L))).id()).isEqualTo(-3L);
    }

    @Test
    void anUnreadableValueNamesItsMessageSoThatOnlyItsCallFails() throws Exception {
        byte[] request = Wire.encode(new Wire.Request(11L, 1L, Op.MapOp.PUT, "m", new Object[] {"k", new Exploding()}));
        assertThatThrownBy(() -> Wire.decode(request)).isInstanceOfSatisfying(Wire.UnreadableValue.class, e -> {
            assertThat(e.id).isEqualTo(11L);
            assertThat(e.request).isTrue();
            assertThat(e.getMessage()).contains("StackOverflowError").contains("exploding on read");
        });
        byte[] response = Wire.encode(new Wire.Response(12L, true, new Exploding()));
        assertThatThrownBy(() -> Wire.decode(response)).isInstanceOfSatisfying(Wire.UnreadableValue.class, e -> {
            assertThat(e.id).isEqualTo(12L);
            assertThat(e.request).isFalse();
        });
    }
}
