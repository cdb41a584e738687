package io.jpool.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.internal.process.ProcessPoolProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A same-user process that connects to the pool's socket and never says HELLO, or says it with a
 * wrong token, slows no worker down (workers forced onto the socket, one task each, so every task
 * needs a new worker to connect).
 */
@ExtendWith(ForceSocketChannel.class)
class ProcessPoolSocketIntruderTest {
    @Test
    void idleAndForgedConnectionsDelayNoWorkerStart() throws Exception {
        ProcessPool pool = ProcessSupport.pool(2).maxTasksPerWorker(1).build();
        List<SocketChannel> intruders = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        try {
            pids.add(pool.submit(() -> ProcessHandle.current().pid()).get(120, TimeUnit.SECONDS));
            UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(ProcessPoolProbe.channelDirectory(pool).resolve("s"));
            for (int i = 0; i < 8; i++) {
                SocketChannel idle = SocketChannel.open(StandardProtocolFamily.UNIX);
                idle.connect(socket);
                intruders.add(idle);
            }
            for (long number = 0; number < 8; number++) { // forged HELLOs for the next worker numbers
                SocketChannel forger = SocketChannel.open(StandardProtocolFamily.UNIX);
                forger.connect(socket);
                ByteBuffer hello = ByteBuffer.allocate(4 + 9 + 32).putInt(9 + 32).put((byte) 1).putLong(number);
                forger.write(hello.position(hello.capacity()).flip()); // an all-zero token
                intruders.add(forger);
            }
            long t0 = System.nanoTime();
            List<PoolFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fs.add(pool.submit(() -> ProcessHandle.current().pid()));
            }
            for (PoolFuture<Long> f : fs) {
                pids.add(f.get(60, TimeUnit.SECONDS)); // the old acceptor stalled behind the first idle connection
            }
            assertThat(new HashSet<>(pids)).as("one fresh worker per task").hasSize(7);
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(60));
        } finally {
            for (SocketChannel ch : intruders) {
                ch.close();
            }
            pool.close();
        }
        ProcessSupport.assertAllDead(pids);
    }
}
