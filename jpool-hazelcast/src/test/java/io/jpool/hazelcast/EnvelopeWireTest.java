package io.jpool.hazelcast;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import io.jpool.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-task envelope ({@link RemoteCall}) on the wire: Hazelcast's serialization (as built on
 * any member or client with jpool-hazelcast on its class path, no configuration) writes it by
 * jpool's factory and class ids, not by its class name, and reads back every field. (This class's
 * name does not start with the envelope's, so the task lambda's class description cannot match.)
 */
class EnvelopeWireTest {
    private final InternalSerializationService serialization = new DefaultSerializationServiceBuilder().build();

    @AfterEach
    void dispose() {
        serialization.dispose();
    }

    @Test
    void envelopeTravelsByIdsNotByClassName() {
        Data data = serialization.toData(new RemoteCall<>((Task<Integer>) () -> 7, UUID.randomUUID(), 42,
                UUID.randomUUID(), 0));

        String bytes = new String(data.toByteArray(), StandardCharsets.ISO_8859_1);
        assertThat(bytes).doesNotContain(RemoteCall.class.getName());
    }

    @Test
    void envelopeReadsBackItsIdAndRunsItsTask() throws Exception {
        RemoteCall<Integer> sent = new RemoteCall<>((Task<Integer>) () -> 7, UUID.randomUUID(), 42,
                UUID.randomUUID(), 0);

        Object read = serialization.toObject(serialization.toData(sent));

        assertThat(read).isInstanceOf(RemoteCall.class).hasToString("jpool task 42");
        assertThat(((RemoteCall<?>) read).call()).isEqualTo(7); // no member: runs the task as is
    }
}
