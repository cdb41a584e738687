package io.jpool.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The demo's cluster part on a short input: two real member JVMs, one SIGKILLed halfway through
 * the map, and still every chunk counted once, with no member JVM left behind.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterDemoTest {

    @Test
    void theMapCompletesWithEveryValueRightAfterAMemberIsKilled() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int limit = 400_000;
        int chunks = 16;

        ClusterDemo.Outcome outcome = ClusterDemo.run(out, limit, chunks);

        assertThat(outcome.primes()).as("primes below %d", limit).isEqualTo(ClusterDemo.countPrimes(0, limit));
        assertThat(outcome.chunks()).isEqualTo(chunks);
        assertThat(outcome.chunksPerMember().values().stream().mapToInt(Integer::intValue).sum())
                .as("each chunk's result taken once").isEqualTo(chunks);
        assertThat(outcome.memberPids()).hasSize(2).doesNotContain(ProcessHandle.current().pid());
        for (long pid : outcome.memberPids()) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            assertThat(h.map(ProcessHandle::isAlive).orElse(false)).as("member JVM %d still alive", pid).isFalse();
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).isEqualTo("== Cluster: two member JVMs on loopback, one killed halfway ==");
        assertThat(lines.stream().filter(l -> l.startsWith("jpool member 127.0.0.1:"))).hasSize(2);
        assertThat(lines).anyMatch(l -> l.matches("cluster of 2 members up in \\d+ ms"));
        assertThat(lines).anyMatch(l -> l.equals("killing member " + outcome.killed() + " (SIGKILL) after "
                + chunks / 2 + " of " + chunks + " chunks; its chunks are re-run on " + otherThan(outcome)));
        assertThat(lines).anyMatch(l -> l.startsWith(outcome.primes() + " primes below " + limit + " in ")
                && l.contains("; chunks per member: {127.0.0.1:"));
    }

    private static String otherThan(ClusterDemo.Outcome outcome) {
        return outcome.chunksPerMember().keySet().stream().filter(m -> !m.equals(outcome.killed())).findFirst()
                .orElse("(no other member ran a chunk)");
    }

    @Test
    void tooFewChunksAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ClusterDemo.run(new PrintStream(new ByteArrayOutputStream()), 1000, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("need at least 2 chunks and limit >= chunks, got limit 1000 and 1 chunks");
    }
}
