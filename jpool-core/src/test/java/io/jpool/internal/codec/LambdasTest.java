package io.jpool.internal.codec;


import io.jpool.Task;
import io.jpool.TaskFunction;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lambdas rebuilt without Java serialization, and the cases that must fall back to it. */
class LambdasTest {

    private static Object roundTrip(Object lambda) throws Exception {
        byte[] b = Lambdas.encode(lambda);
        assertThat(b).as("encodable").isNotNull();
        return Lambdas.decode(b, 0, b.length);
    }

    @Test
    void aCapturelessLambdaComesBackAndRuns() throws Exception {
        Task<Integer> t = () -> 41 + 1;
        Object back = roundTrip(t);
        assertThat(back).isInstanceOf(Task.class);
        assertThat(((Task<?>) back).call()).isEqualTo(42);
    }

    @Test
    void capturedSimpleValuesKeepTheirTypes() throws Exception {
        int i = 7;
        long l = 1L << 40;
        String s = "héllo";
        short sh = 3;
        char c = 'x';
        byte[] small = {1, 2, 3};
        Task<String> t = () -> i + ":" + l + ":" + s + ":" + sh + ":" + c + ":" + small.length;
        assertThat(((Task<?>) roundTrip(t)).call()).isEqualTo("7:1099511627776:héllo:3:x:3");
    }

    @Test
    void aMapFunctionComesBack() throws Exception {
        int offset = 10;
        TaskFunction<Integer, Integer> f = x -> x + offset;
        @SuppressWarnings("unchecked")
        TaskFunction<Integer, Integer> back = (TaskFunction<Integer, Integer>) roundTrip(f);
        assertThat(back.apply(5)).isEqualTo(15);
    }

    @Test
    void whatTheValueCodecCannotCarryFallsBackToJavaSerialization() {
        List<String> list = new ArrayList<>(List.of("a"));
        Task<Integer> capturesAList = () -> list.size();
        assertThat(Lambdas.encode(capturesAList)).as("captures an ArrayList").isNull();
        byte[] large = new byte[JdkCodec.BLOB_MIN];
        Task<Integer> capturesALargeArray = () -> large.length;
        assertThat(Lambdas.encode(capturesALargeArray)).as("a large array travels beside the stream").isNull();
        assertThat(Lambdas.encode(new NamedTask())).as("not a lambda").isNull();
        Runnable notSerializable = () -> { };
        assertThat(Lambdas.encode(notSerializable)).as("not a serializable lambda").isNull();
    }

    @Test
    void badBytesFailWithAClearError() throws Exception {
        Task<Integer> t = () -> 1;
        byte[] b = Lambdas.encode(t);
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 1); // the captured values cut short
        assertThatThrownBy(() -> Lambdas.decode(cut, 0, cut.length)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("captured values");
    }

    @Test
    void payloadsSendALambdaTaskWithoutAnObjectStream() throws Exception {
        int n = 3;
        Task<Integer> t = () -> n * 2;
        Blocks body = Payloads.task(t, JdkCodec.INSTANCE);
        byte[] b = body.toArray();
        assertThat(b[1]).as("the object's form").isEqualTo(Payloads.LAMBDA);
        Object back = Payloads.readObject(b, 1, b.length - 1, null, JdkCodec.INSTANCE);
        assertThat(((Task<?>) back).call()).isEqualTo(6);

        List<Integer> list = new ArrayList<>(List.of(1, 2));
        Task<Integer> other = () -> list.size();
        byte[] jdk = Payloads.task(other, JdkCodec.INSTANCE).toArray();
        assertThat(jdk[1]).isEqualTo(Payloads.JDK);
        assertThat(((Task<?>) Payloads.readObject(jdk, 1, jdk.length - 1, null, JdkCodec.INSTANCE)).call()).isEqualTo(2);
    }

    /** A task class of its own: Java serialization's business, not this codec's. */
    static final class NamedTask implements Task<Integer>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer call() {
            return 1;
        }
    }
}
