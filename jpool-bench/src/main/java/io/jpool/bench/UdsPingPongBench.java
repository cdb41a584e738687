package io.jpool.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The physical floor of the process pool: a raw ping-pong of {@code size} bytes between this JVM
 * and a child JVM ({@link UdsEcho}) over a Unix domain socket ({@code java.nio}
 * {@link SocketChannel}s, direct buffers, no framing, no serialization). The socket lives in a
 * fresh 0700 directory, as a process pool's would. Score: average microseconds per round trip.
 *
 * <p>{@code waiting} says how both ends wait for bytes: {@code blocking} reads (DESIGN.md's floor,
 * and how a JVM talks to another by default), or {@code polling}, non-blocking reads in a busy
 * loop on both ends, which no thread ever sleeps in: the channel's own limit, with no wake-up in
 * it. On a VM the two differ several times over, since a wake-up of a sleeping virtual CPU costs
 * tens of microseconds; jpool polls on one side only (its worker, between tasks).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class UdsPingPongBench {
    @Param({"8", "1048576"})
    public int size;

    @Param({"blocking", "polling"})
    public String waiting;

    private Path dir;
    private Process child;
    private ServerSocketChannel server;
    private SocketChannel channel;
    private ByteBuffer out;
    private ByteBuffer in;

    @Setup
    public void setup() throws Exception {
        dir = Files.createTempDirectory("jpool-floor", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path socket = dir.resolve("s");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                UdsEcho.class.getName(), socket.toString(), Integer.toString(size), waiting)
                .inheritIO().start();
        channel = server.accept();
        channel.configureBlocking(UdsEcho.blocking(waiting));
        out = ByteBuffer.allocateDirect(size);
        in = ByteBuffer.allocateDirect(size);
        byte[] payload = new byte[size];
        ThreadLocalRandom.current().nextBytes(payload);
        out.put(payload).flip();
    }

    @TearDown
    public void tearDown() throws Exception {
        channel.close();
        server.close();
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        Files.deleteIfExists(dir.resolve("s"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public int roundTrip() throws IOException {
        out.rewind();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        in.clear();
        while (in.hasRemaining()) {
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("echo child closed the socket");
            }
            if (n == 0) {
                Thread.onSpinWait(); // polling: nothing yet
            }
        }
        return in.get(0);
    }
}
