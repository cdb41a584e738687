package io.jpool.manager;

import io.jpool.SerializableFunction;
import io.jpool.internal.codec.JdkCodec;
import io.jpool.internal.codec.ResultFilter;
import io.jpool.internal.codec.ValueFilter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The process pool's result filter and the manager's value filter share one core: the same
 * allow-list rules (a lambda judged as the class that wrote it), each with its own limits and
 * wording. Lives outside io.jpool.internal so that its classes are not allowed by default.
 */
class ReadFiltersTest {

    /** Writes lambdas: the class an allow-list must name for them. */
    static final class Host {
        static SerializableFunction<Integer, Integer> increment() {
            return x -> x + 1;
        }
    }

    private static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object readAsManager(byte[] stream, ObjectInputFilter filter) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(stream))) {
            in.setObjectInputFilter(filter);
            return in.readObject();
        }
    }

    private static Object readAsResult(Object value, ResultFilter filter) throws Exception {
        byte[] framed = JdkCodec.INSTANCE.encode(value);
        return JdkCodec.INSTANCE.decode(framed, 0, framed.length, filter);
    }

    @Test
    @SuppressWarnings("unchecked")
    void bothFiltersJudgeALambdaAsTheClassThatWroteIt() throws Exception {
        SerializableFunction<Integer, Integer> fn = Host.increment();
        Set<String> host = Set.of(Host.class.getName());
        Object asValue = readAsManager(serialize(fn), ValueFilter.of(host));
        assertThat(((SerializableFunction<Integer, Integer>) asValue).apply(1)).isEqualTo(2);
        Object asResult = readAsResult(fn, ResultFilter.create(host, 1 << 20));
        assertThat(((SerializableFunction<Integer, Integer>) asResult).apply(2)).isEqualTo(3);

        Set<String> other = Set.of("com.example.*");
        assertThatThrownBy(() -> readAsManager(serialize(fn), ValueFilter.of(other)))
                .isInstanceOf(InvalidClassException.class)
                .cause().hasMessageContaining(Host.class.getName() + " is not in the manager's allowedClasses [com.example.*]");
        assertThatThrownBy(() -> readAsResult(fn, ResultFilter.create(other, 1 << 20)))
                .satisfies(e -> assertThat(ResultFilter.failure("the result", e))
                        .hasMessageContaining("class " + Host.class.getName() + " is not allowed (allowedResultClasses)"));
    }

    @Test
    void theManagersLimitsNameThemselvesWithOrWithoutAnAllowList() throws Exception {
        Object[] deep = {null};
        for (int i = 0; i < 210; i++) {
            deep = new Object[] {deep};
        }
        byte[] stream = serialize(deep);
        for (ObjectInputFilter filter : new ObjectInputFilter[] {ValueFilter.LIMITS, ValueFilter.of(Set.of("com.example.*"))}) {
            assertThatThrownBy(() -> readAsManager(stream, filter)).isInstanceOf(InvalidClassException.class)
                    .cause().hasMessageContaining("exceeds the manager's limits (maxdepth=200;maxrefs=5000000;maxbytes=");
        }
        Object[] legal = {null};
        for (int i = 0; i < 190; i++) {
            legal = new Object[] {legal};
        }
        assertThat(readAsManager(serialize(legal), ValueFilter.LIMITS)).isInstanceOf(Object[].class);
    }
}
