package io.jpool.internal.manager;

import io.jpool.ManagerClosedException;
import io.jpool.SharedCounter;
import io.jpool.SharedLock;
import io.jpool.SharedQueue;
import io.jpool.internal.ipc.PrivateDirectories;
import io.jpool.manager.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.jpool.internal.manager.ManagerFaultsTest.await;
import static io.jpool.internal.manager.ManagerFaultsTest.runWithin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker JVM's callers when their manager goes away, closed or killed: callers blocked in a
 * take or a lock, and a client idle between calls, each fail promptly with a
 * {@link ManagerClosedException} that says the manager is gone; nothing waits for ever.
 */
class ManagerGoneUnderCallersTest {
    /** How long after the manager went a caller may still wait: far above a loaded machine's delay. */
    private static final long PROMPT_MILLIS = 15_000;

    /** How one call ended: the exception's class and message, and when (epoch millis). */
    record Ending(String what, String message, long atMillis) implements Serializable {
        static Ending of(Throwable e) {
            return new Ending(e.getClass().getSimpleName(), String.valueOf(e.getMessage()), System.currentTimeMillis());
        }
    }

    /** Runs {@code call} on a new thread; its ending (or "returned") lands in {@code out}. */
    private static Thread caller(List<Ending> out, Call call) {
        Thread t = new Thread(() -> {
            Ending e;
            try {
                call.run();
                e = new Ending("returned", "", System.currentTimeMillis());
            } catch (Throwable thrown) {
                e = Ending.of(thrown);
            }
            synchronized (out) {
                out.add(e);
            }
        });
        t.start();
        return t;
    }

    /** A call to a shared object. */
    interface Call extends Serializable {
        void run() throws Exception;
    }

    /**
     * Two takers blocked on an empty queue, a thread waiting for a held lock, and a thread that
     * calls now and then (idle between calls) each see the manager's close as a ManagerClosedException.
     */
    @Test
    void blockedAndIdleCallersFailPromptlyWhenTheManagerCloses() throws Exception {
        ManagerImpl m = new ManagerImpl();
        long closedAt;
        CompletableFuture<ArrayList<Ending>> child;
        try {
            SharedQueue<String> q = m.queue("q", 1);
            SharedLock lock = m.lock("l");
            SharedCounter started = m.counter("started");
            QueueState queue = (QueueState) m.server().stateNamed("q");
            LockState lockState = (LockState) m.server().stateNamed("l");
            lock.lock(); // held here: the child's acquire waits
            child = CompletableFuture.supplyAsync(() -> {
                try {
                    return runWithin(() -> {
                        ArrayList<Ending> out = new ArrayList<>();
                        List<Thread> threads = List.of(
                                caller(out, q::take),
                                caller(out, q::take),
                                caller(out, lock::lock),
                                caller(out, () -> {
                                    started.incrementAndGet();
                                    for (;;) { // idle between calls: learns of the close at its next one
                                        Thread.sleep(50);
                                        started.get();
                                    }
                                }));
                        for (Thread t : threads) {
                            t.join(60_000);
                            if (t.isAlive()) {
                                out.add(new Ending("hung", t.getName(), System.currentTimeMillis()));
                            }
                        }
                        Ending next; // a call made after all of them failed
                        try {
                            q.offer("late");
                            next = new Ending("returned", "", System.currentTimeMillis());
                        } catch (Throwable e) {
                            next = Ending.of(e);
                        }
                        out.add(next);
                        return out;
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await(() -> queue.waiters() == 2 && lockState.waiters() == 1 && started.get() == 1,
                    "the child's callers wait");
        } finally {
            closedAt = System.currentTimeMillis();
            m.close();
        }
        List<Ending> endings = child.get(120, TimeUnit.SECONDS);
        System.out.println("after the manager closed: " + endings);
        assertThat(endings).hasSize(5);
        for (Ending e : endings) {
            assertThat(e.what()).as("%s", e).isEqualTo("ManagerClosedException");
            assertThat(e.message()).as("%s", e).containsIgnoringCase("manager").containsIgnoringCase("closed")
                    .contains("only while");
            assertThat(e.atMillis() - closedAt).as("%s came promptly", e).isLessThan(PROMPT_MILLIS);
        }
    }

    /**
     * The manager's JVM is SIGKILLed: callers in this JVM blocked in a take, waiting for a lock, or
     * idle between calls, fail promptly with a ManagerClosedException, and so does a later call.
     */
    @Test
    void blockedAndIdleCallersFailPromptlyWhenTheManagersJvmIsKilled() throws Exception {
        Process manager = ChildJvm.start(() -> {
            ManagerImpl m = new ManagerImpl();
            SharedQueue<String> q = m.queue("q", 1);
            SharedLock lock = m.lock("l");
            lock.lock(); // held for ever: a remote acquire waits
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(new Object[] {q, lock, m.counter("c"), m.directory().toString()});
            }
            System.out.println("proxies:" + Base64.getEncoder().encodeToString(bytes.toByteArray()));
            System.out.flush();
            QueueState queue = (QueueState) m.server().stateNamed("q");
            LockState lockState = (LockState) m.server().stateNamed("l");
            await(() -> queue.waiters() == 1 && lockState.waiters() == 1, "the remote callers wait");
            System.out.println("waiting");
            System.out.flush();
            for (;;) {
                LockSupport.park();
            }
        });
        Path directory = null;
        List<Thread> threads = new ArrayList<>();
        List<Ending> out = new ArrayList<>();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(manager.getInputStream(), StandardCharsets.UTF_8));
            Object[] proxies = null;
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("proxies:")) {
                    byte[] b = Base64.getDecoder().decode(line.substring("proxies:".length()));
                    proxies = (Object[]) new ObjectInputStream(new ByteArrayInputStream(b)).readObject();
                    break;
                }
            }
            assertThat(proxies).as("the manager's JVM sent its proxies").isNotNull();
            @SuppressWarnings("unchecked")
            SharedQueue<String> q = (SharedQueue<String>) proxies[0];
            SharedLock lock = (SharedLock) proxies[1];
            SharedCounter c = (SharedCounter) proxies[2];
            directory = Path.of((String) proxies[3]);
            c.incrementAndGet(); // this JVM's connection is open, and idle now
            threads.add(caller(out, q::take));
            threads.add(caller(out, lock::lock));
            for (String line; (line = lines.readLine()) != null && !line.equals("waiting"); ) {
                // the manager says when both callers wait
            }
            manager.destroyForcibly();
            assertThat(manager.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long killedAt = System.currentTimeMillis();
            for (Thread t : threads) {
                t.join(PROMPT_MILLIS);
                assertThat(t.isAlive()).as("a caller still waits on a dead manager").isFalse();
            }
            Ending next;
            try {
                c.incrementAndGet();
                next = new Ending("returned", "", System.currentTimeMillis());
            } catch (Throwable e) {
                next = Ending.of(e);
            }
            synchronized (out) {
                out.add(next);
            }
            System.out.println("after the manager's JVM was killed: " + out);
            assertThat(out).hasSize(3);
            for (Ending e : out) {
                assertThat(e.what()).as("%s", e).isEqualTo("ManagerClosedException");
                assertThat(e.message()).as("%s", e).containsIgnoringCase("manager").contains("only while");
                assertThat(e.atMillis() - killedAt).as("%s came promptly", e).isLessThan(PROMPT_MILLIS);
            }
        } finally {
            manager.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            for (Thread t : threads) {
                t.interrupt();
            }
            if (directory != null && Files.exists(directory)) {
                PrivateDirectories.delete(directory); // a killed manager cannot delete its own
            }
        }
    }
}
