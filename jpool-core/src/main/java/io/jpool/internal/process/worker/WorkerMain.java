package io.jpool.internal.process.worker;

import io.jpool.RunnableTask;
import io.jpool.internal.codec.JdkCodec;
import io.jpool.internal.codec.Payloads;
import io.jpool.internal.codec.ValueCodec;
import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.util.ProcessTree;
import io.jpool.internal.util.Spin;
import io.jpool.internal.util.ThreadFactories;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The main class of a worker JVM.
 *
 * <h2>Implementation overview</h2>
 * The caller starts this JVM and writes one line to its stdin (its format:
 * {@link WorkerProtocol.HandshakeLine}): where the channel is (two named pipes, or a Unix domain
 * socket where pipes cannot be made), the worker number, the token and the largest result
 * allowed. The worker opens the channel ({@link WorkerChannels}), says HELLO with the token, and
 * then serves frames on its main thread, one task at a time ({@link TaskLoop}); after each, it
 * polls the channel for {@link #POLL_NANOS} before it blocks on it. Its stdout and stderr are
 * plain pipes that only the task's own output uses: the protocol never travels there.
 *
 * <p>A daemon thread keeps reading stdin ({@link CallerWatch}): end-of-file means the caller's
 * JVM is gone, and the worker halts at once. The channel's end-of-file does the same. Either way
 * no worker outlives its caller, and before it halts it kills every process its tasks started.
 * Tasks see an empty {@code System.in}: the real stdin is this watch's pipe.
 */
public final class WorkerMain {
    /**
     * How long the worker polls for its next frame before it blocks: a caller that waits for each
     * result and then submits again sends the next task within tens of microseconds, and a worker
     * still awake then saves its own wake-up, a large part of a tiny task's round trip. 0 on one
     * CPU, where polling would keep the caller from running.
     */
    private static final long POLL_NANOS = Spin.nanos(50_000L);

    private WorkerMain() {
    }

    /**
     * Runs a worker: reads the handshake line on stdin, connects, and serves the caller's frames
     * until told to exit or the caller is gone. Started by ProcessPool, not by hand.
     *
     * @param args unused: everything comes in the handshake line
     */
    public static void main(String[] args) {
        WorkerProtocol.HandshakeLine handshake;
        try {
            handshake = WorkerProtocol.HandshakeLine.parse(readLine(System.in));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("jpool worker: no valid handshake on stdin (this class is started by ProcessPool,"
                    + " not by hand): " + e.getMessage());
            Runtime.getRuntime().halt(WorkerProtocol.EXIT_BAD_HANDSHAKE);
            return;
        }
        warmUp(handshake.warmUpHex());
        // A task's System.exit (or a SIGTERM) ends the JVM through its shutdown hooks: the
        // processes its tasks started die with it, as they do on every other way out.
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessTree::destroyDescendantsOfThisProcess,
                "jpool-worker-exit"));
        InputStream callerPipe = System.in;
        System.setIn(new ByteArrayInputStream(new byte[0])); // tasks read an empty stdin, not the caller's pipe
        CallerWatch.watchParent(handshake.first(), callerPipe);
        try {
            FrameChannel channel = WorkerProtocol.HandshakeLine.PIPES.equals(handshake.transport())
                    ? WorkerChannels.openPipes(handshake.first(), handshake.second())
                    : WorkerChannels.connectSocket(handshake.first());
            channel.pollBeforeBlocking(POLL_NANOS);
            byte[] token = handshake.token();
            channel.write(WorkerProtocol.hello(handshake.number(), token));
            new TaskLoop(channel, handshake.maxResultBytes(), handshake.number(), token, handshake.first()).serve();
        } catch (EOFException e) {
            CallerWatch.channelGone(); // the pool closed the channel, or the caller died
        } catch (Throwable e) {
            System.err.println("jpool worker: channel failed: " + e);
            CallerWatch.channelGone();
        }
    }

    /**
     * A lambda for the warm-up: the caller encodes it (once per caller JVM, {@code process.WarmUpProbe})
     * and the worker decodes it. The worker never encodes one itself: the first lambda a JVM
     * serializes makes it compute {@code Object[]}'s serialVersionUID, a SHA digest whose
     * security providers are slow to load in a fresh JVM.
     *
     * @return a task that does nothing
     */
    public static RunnableTask warmUpProbe() {
        return () -> { };
    }

    /**
     * On a second thread, while the main thread connects: run once what the first task needs
     * (a serializable lambda's rebuilding and bootstrap, the value codec), so the first task does
     * not pay for it. {@code probeHex} is {@link #warmUpProbe()} as the caller encoded it (or empty).
     */
    private static void warmUp(String probeHex) {
        ThreadFactories.startDaemon("jpool-warmup", new Runnable() {
            @Override
            public void run() {
                try {
                    if (!probeHex.isEmpty()) {
                        byte[] bytes = HexFormat.of().parseHex(probeHex);
                        ((RunnableTask) Payloads.readObject(bytes, 0, bytes.length, null, JdkCodec.INSTANCE)).run();
                    }
                    byte[] value = ValueCodec.encode(new Object[] {1, "x"});
                    ValueCodec.decode(value, 0, value.length);
                } catch (Exception ignored) {
                    // only a warm-up
                }
            }
        });
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("stdin closed before the handshake line");
            }
            line.append((char) c);
        }
        return new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
