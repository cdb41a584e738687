package io.jpool.internal.manager;

import io.jpool.SharedCounter;
import io.jpool.SharedEvent;
import io.jpool.SharedLock;
import io.jpool.SharedMap;
import io.jpool.SharedQueue;
import io.jpool.Task;
import io.jpool.manager.ChildJvm;
import io.jpool.internal.HomeOnly;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manager under real faults: takers and lock waiters stopped and killed mid-hand-over,
 * values whose readObject throws on either side, unauthenticated peers.
 */
class ManagerFaultsTest {

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
        if (signal.equals("STOP")) { // the premise of the tests that use it: the child runs no code from here on
            await(() -> isStopped(p), "every thread of the child is stopped");
        }
    }

    /**
     * Whether Linux reports every thread of {@code p} as stopped ('T' in /proc/pid/task/tid/stat);
     * true where /proc is absent. kill(STOP) returns before the stop reaches every thread, and the
     * main thread of a JVM (the launcher's, idle) is often the first stopped while the others
     * still run: a taker could then read its answer and acknowledge it.
     */
    private static boolean isStopped(Process p) {
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc", Long.toString(p.pid()), "task");
        if (!java.nio.file.Files.isDirectory(tasks)) {
            return true;
        }
        try (java.util.stream.Stream<java.nio.file.Path> threads = java.nio.file.Files.list(tasks)) {
            return threads.allMatch(t -> {
                try {
                    String stat = java.nio.file.Files.readString(t.resolve("stat"));
                    return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
                } catch (java.io.IOException gone) {
                    return true; // a thread that ended runs no code either
                }
            });
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false; // listing raced with a thread's end: look again
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5); // polling a condition, not waiting for time to pass
        }
    }

    /** Runs {@code task} in a child JVM and returns its result, failing (not hanging) after 90 s. */
    @SuppressWarnings("unchecked")
    static <T> T runWithin(Task<T> task) throws Exception {
        Process p = ChildJvm.start(task);
        try {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes());
                } catch (IOException e) {
                    return "";
                }
            });
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                throw new AssertionError("the child JVM hung");
            }
            String text = out.get(30, TimeUnit.SECONDS);
            int i = text.indexOf("result:");
            if (i < 0) {
                throw new AssertionError("child JVM failed (exit " + p.exitValue() + "): " + text);
            }
            byte[] bytes = Base64.getDecoder().decode(text.substring(i + "result:".length()).trim());
            return (T) new ObjectInputStream(new ByteArrayInputStream(bytes)).readObject();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void anElementHandedToATakerKilledBeforeItHadItGoesBackToTheQueue() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedQueue<String> q = m.queue("q", 10);
            QueueState state = (QueueState) m.server().stateNamed("q");
            Process child = ChildJvm.start(() -> q.take());
            try {
                await(() -> state.waiters() == 1, "the child waits in take");
                signal(child, "STOP");
                q.put("precious");
                await(() -> q.size() == 0, "the element is handed to the stopped taker");
                assertThat(state.acknowledgedCount()).as("the stopped taker cannot have acknowledged it").isZero();
                assertThat(child.destroyForcibly().waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
                assertThat(q.poll(Duration.ofSeconds(60))).isEqualTo("precious");
                assertThat(q.size()).isZero();
                assertThat(state.acknowledgedCount()).isZero();
            } finally {
                child.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void aLockGrantedToAWaiterKilledBeforeItHadItIsReleased() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedLock lock = m.lock("l");
            LockState state = (LockState) m.server().stateNamed("l");
            lock.lock();
            Process child = ChildJvm.start(() -> {
                lock.lock();
                return null;
            });
            try {
                await(() -> state.waiters() == 1, "the child waits for the lock");
                signal(child, "STOP");
                lock.unlock(); // granted to the stopped child
                child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                assertThat(lock.tryLock(Duration.ofSeconds(30))).isTrue();
                lock.unlock();
            } finally {
                child.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void anErrorReadingAnAnswerFailsThatCallAndNoOther() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedMap<String, Object> map = m.map("m");
            SharedCounter counter = m.counter("c");
            SharedQueue<Object> q = m.queue("q", 10);
            map.put("bad", new HomeOnly());
            q.put(new HomeOnly());
            q.put("next");
            String seen = runWithin(() -> {
                StringBuilder out = new StringBuilder();
                try {
                    map.get("bad");
                    out.append("read it;");
                } catch (IllegalStateException e) {
                    out.append(e.getMessage().contains("AssertionError") ? "get failed;" : e.toString());
                }
                try {
                    q.take();
                    out.append("took it;");
                } catch (IllegalStateException e) {
                    out.append("take failed;");
                }
                out.append(q.take()).append(';').append(counter.incrementAndGet());
                return out.toString();
            });
            assertThat(seen).isEqualTo("get failed;take failed;next;1");
            assertThat(q.size()).as("the unreadable element counts as taken").isZero();
        }
    }

    @Test
    void anErrorReadingARequestFailsThatCallAndNoOther() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedMap<String, Object> map = m.map("m");
            SharedQueue<String> q = m.queue("q", 10);
            String seen = runWithin(() -> {
                // a take waits on the same connection while a call the manager cannot read fails
                CompletableFuture<String> taken = CompletableFuture.supplyAsync(() -> {
                    try {
                        return q.take();
                    } catch (Exception e) {
                        return e.toString();
                    }
                });
                String put;
                try {
                    map.put("bad", new HomeOnly());
                    put = "stored";
                } catch (IllegalArgumentException e) {
                    put = e.getMessage().contains("AssertionError") ? "refused" : e.toString();
                }
                q.put("after");
                return put + ";" + taken.get(60, TimeUnit.SECONDS);
            });
            assertThat(seen).isEqualTo("refused;after");
            assertThat(map.size()).isZero();
        }
    }

    @Test
    void craftedFramesFailTheirCallOrEndOnlyTheirConnection() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedCounter c = m.counter("c");
            ManagerRef ref = m.server().ref;
            // a value whose stream declares a huge array, in an otherwise sound request: that call fails
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(new long[1]);
            }
            byte[] stream = bytes.toByteArray();
            ByteBuffer.wrap(stream).putInt(stream.length - 12, 0x7ffffff0); // now long[0x7ffffff0], in a few dozen bytes
            ByteBuffer request = ByteBuffer.allocate(256);
            request.put((byte) 'Q').putLong(1).putLong(1).put((byte) Kind.MAP.ordinal()).put((byte) Op.MapOp.GET.ordinal());
            request.putInt(1).put((byte) 0).put((byte) 'm');
            request.putInt(1).put((byte) 'j').putInt(stream.length).put(stream).flip();
            m.map("m");
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(ref.socketPath()));
                io.jpool.internal.ipc.FrameChannel frames = new io.jpool.internal.ipc.FrameChannel(ch);
                frames.write(ref.token());
                byte[] body = new byte[request.remaining()];
                request.get(body);
                frames.write(body);
                Wire.Response r = (Wire.Response) Wire.decode(frames.read());
                assertThat(r.id()).isEqualTo(1);
                assertThat(r.ok()).isFalse();
                assertThat(((Throwable) r.value()).getMessage()).contains("could not read a value sent to the manager")
                        .contains("declares an array of 2147483632 elements");
                frames.write(new byte[0]); // not a message at all: this connection ends
                assertThat(CompletableFuture.supplyAsync(() -> {
                    try {
                        frames.read();
                        return "read";
                    } catch (IOException e) {
                        return "closed";
                    }
                }).get(10, TimeUnit.SECONDS)).isEqualTo("closed");
            }
            assertThat(c.incrementAndGet()).isEqualTo(1);
            assertThat(m.map("m").size()).isZero();
        }
    }

    @Test
    void aRequestWithAnUnknownOperationCodeOrWrongArgumentsFailsThatCallAndTheConnectionGoesOn() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedCounter c = m.counter("c");
            ManagerRef ref = m.server().ref;
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(ref.socketPath()));
                io.jpool.internal.ipc.FrameChannel frames = new io.jpool.internal.ipc.FrameChannel(ch);
                frames.write(ref.token());
                byte[] unknownOp = Wire.encode(new Wire.Request(1, 1, Op.CounterOp.ADD_AND_GET, "c", new Object[] {5L}));
                unknownOp[18] = (byte) Op.CounterOp.values().length; // the code a newer version's operation might have
                frames.write(unknownOp);
                Wire.Response r = (Wire.Response) Wire.decode(frames.read());
                assertThat(r.id()).isEqualTo(1);
                assertThat(r.ok()).isFalse();
                assertThat((Throwable) r.value()).isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining("no operation on a shared counter has code " + Op.CounterOp.values().length);
                byte[] unknownKind = Wire.encode(new Wire.Request(2, 1, Op.CounterOp.GET, "c", null));
                unknownKind[17] = -1;
                frames.write(unknownKind);
                r = (Wire.Response) Wire.decode(frames.read());
                assertThat(r.id()).isEqualTo(2);
                assertThat((Throwable) r.value()).isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining("no kind of shared object has code 255");
                frames.write(Wire.encode(new Wire.Request(3, 1, Op.CounterOp.ADD_AND_GET, "c", new Object[0])));
                r = (Wire.Response) Wire.decode(frames.read());
                assertThat(r.id()).isEqualTo(3);
                assertThat((Throwable) r.value()).as("a known operation with the wrong number of arguments")
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("addAndGet on a shared counter takes 1 arguments, not 0");
                frames.write(Wire.encode(new Wire.Request(3, 1, Op.CounterOp.ADD_AND_GET, "c", new Object[] {2L})));
                r = (Wire.Response) Wire.decode(frames.read());
                assertThat(r).as("the same connection still answers").isEqualTo(new Wire.Response(3, true, 2L));
            }
            assertThat(c.incrementAndGet()).isEqualTo(3);
        }
    }

    @Test
    void anUnauthenticatedPeerDeclaringAHugeFrameIsHungUpOnAtOnce() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedCounter c = m.counter("c");
            List<SocketChannel> peers = new ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) {
                    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                    ch.connect(UnixDomainSocketAddress.of(m.directory().resolve("s")));
                    ch.write(ByteBuffer.allocate(4).putInt(0, 60 << 20));
                    peers.add(ch);
                }
                for (SocketChannel ch : peers) {
                    CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                        try {
                            return ch.read(ByteBuffer.allocate(1));
                        } catch (IOException e) {
                            return -1;
                        }
                    });
                    assertThat(read.get(10, TimeUnit.SECONDS)).as("hung up without reading the 60 MB").isEqualTo(-1);
                }
            } finally {
                for (SocketChannel ch : peers) {
                    ch.close();
                }
            }
            assertThat(c.incrementAndGet()).isEqualTo(1);
        }
    }

    @Test
    void idleUnauthenticatedConnectionsSlowNoOneDown() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedCounter c = m.counter("c");
            SharedEvent e = m.event("e");
            List<SocketChannel> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 16; i++) {
                    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                    ch.connect(UnixDomainSocketAddress.of(m.directory().resolve("s")));
                    idle.add(ch);
                }
                long n = runWithin(() -> {
                    for (int i = 0; i < 500; i++) {
                        c.incrementAndGet();
                    }
                    e.set();
                    return c.get();
                });
                assertThat(n).isEqualTo(500);
                assertThat(e.isSet()).isTrue();
            } finally {
                for (SocketChannel ch : idle) {
                    ch.close();
                }
            }
        }
    }
}
