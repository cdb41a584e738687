package io.jpool.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.WorkerDiedException;
import io.jpool.internal.process.ProcessPoolProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers normally talk to the caller over named pipes; where {@code mkfifo} cannot run they use
 * the pool's Unix domain socket. This runs the essentials over that fallback, forced by its
 * internal switch.
 */
@ExtendWith(ForceSocketChannel.class)
class ProcessPoolOverSocketTest {
    @Test
    void tasksLargeValuesAndACrashWorkOverTheSocket() throws Exception {
        ProcessPool pool = ProcessSupport.pool(2).build();
        try {
            long first = pool.submit(() -> ProcessHandle.current().pid()).get();
            Path dir = ProcessPoolProbe.channelDirectory(pool);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
                        .as("the socket is used, not pipes").containsExactly("s");
            }
            byte[] big = new byte[1 << 20];
            new Random(7).nextBytes(big);
            assertThat(pool.submit(() -> big.clone()).get()).isEqualTo(big);
            PoolFuture<Object> dying = pool.submit(() -> {
                System.exit(9);
                return null;
            });
            assertThat(dying.exception(null)).isInstanceOf(WorkerDiedException.class).hasMessageContaining("exit code 9");
            List<Integer> squares = new java.util.ArrayList<>();
            pool.map(x -> x * x, List.of(1, 2, 3, 4)).forEach(squares::add);
            assertThat(squares).containsExactly(1, 4, 9, 16);
            pool.close();
            ProcessSupport.assertAllDead(List.of(first));
            assertThat(Files.exists(dir)).as("channel directory %s", dir).isFalse();
        } finally {
            pool.close();
        }
    }
}
