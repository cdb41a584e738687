package io.jpool.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.internal.codec.ResultFilterTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a worker sends cannot make the caller spin or instantiate classes outside its allow-list:
 * a SerialDOS result fails its task with the limit named, while the other worker's results flow;
 * a result, a nested value or an exception of a class outside the allow-list is never read.
 */
class ProcessPoolTrustTest {

    /** Set when an instance is read in this JVM. */
    static final AtomicBoolean READ_HERE = new AtomicBoolean();

    /** A class outside the allow-list that records being deserialized. */
    static final class Recorder implements Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            READ_HERE.set(true);
        }
    }

    /** An exception class outside the allow-list that records being deserialized. */
    static final class RecorderException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RecorderException() {
            super("thrown by the task");
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            READ_HERE.set(true);
        }
    }

    /** SerialDOS (see ResultFilterTest), 60 levels: a few KB under every default limit but its hashing cost. */
    static Set<Object> serialDos() {
        return ResultFilterTest.serialDos(60);
    }

    @Test
    void aMalformedResultPatternFailsAtBuildNamingTheFormsTaken() {
        // an ObjectInputFilter-style pattern would otherwise be taken as a class name that matches nothing
        assertThatThrownBy(() -> ProcessPool.builder().allowedResultClasses("com.example.*;!*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("com.example.**");
        assertThatThrownBy(() -> ProcessPool.builder().allowedResultClasses("com.example.Point", null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void aSerialDosResultFailsItsTaskNamingTheLimitAndOtherResultsFlow() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(2).allowedResultClasses("java.util.*").build()) {
            PoolFuture<Set<Object>> bomb = pool.submit(ProcessPoolTrustTest::serialDos);
            assertThat(bomb.exception(Duration.ofSeconds(60))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("maxUnrolledElements").hasMessageNotContaining("allowedResultClasses");
            for (int i = 0; i < 20; i++) {
                int n = i;
                assertThat(pool.submit(() -> n * 2).get(60, TimeUnit.SECONDS)).isEqualTo(n * 2);
            }
            PoolFuture<Set<Object>> again = pool.submit(ProcessPoolTrustTest::serialDos);
            PoolFuture<String> beside = pool.submit(() -> "fine");
            assertThat(beside.get(60, TimeUnit.SECONDS)).isEqualTo("fine");
            assertThat(again.exception(Duration.ofSeconds(60))).hasMessageContaining("maxUnrolledElements");
        }
    }

    @Test
    void nothingOutsideTheAllowListIsInstantiatedHere() throws Exception {
        READ_HERE.set(false);
        try (ProcessPool pool = ProcessSupport.pool(1).allowedResultClasses("com.example.**").build()) {
            PoolFuture<Recorder> result = pool.submit(Recorder::new);
            assertThat(result.exception(Duration.ofSeconds(60))).hasMessageContaining(Recorder.class.getName())
                    .hasMessageContaining("allowedResultClasses");
            PoolFuture<Map<String, Object>> nested = pool.submit(() -> {
                Map<String, Object> m = new HashMap<>();
                m.put("inside", new Recorder());
                return m;
            });
            assertThat(nested.exception(Duration.ofSeconds(60))).hasMessageContaining("allowedResultClasses");
            PoolFuture<Object> thrown = pool.submit(() -> {
                throw new RecorderException();
            });
            Throwable e = thrown.exception(Duration.ofSeconds(60));
            assertThat(e).isNotInstanceOf(RecorderException.class).hasMessageContaining("thrown by the task");
            assertThat(pool.submit(() -> new IllegalArgumentException("a JDK exception is read as itself")).get())
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(READ_HERE).as("a class outside the allow-list was deserialized in the caller").isFalse();
        }
        try (ProcessPool pool = ProcessSupport.pool(1).allowedResultClasses("io.jpool.process.*").build()) {
            assertThat(pool.submit(Recorder::new).get(60, TimeUnit.SECONDS)).isNotNull();
            assertThat(READ_HERE).as("allowed: read as usual").isTrue();
        }
    }
}
