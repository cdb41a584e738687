package io.jpool.internal.manager;

import io.jpool.SharedCounter;
import io.jpool.SharedEvent;
import io.jpool.SharedQueue;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.jpool.internal.manager.ManagerFaultsTest.await;
import static io.jpool.internal.manager.ManagerFaultsTest.runWithin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker JVM's callers read their answers themselves ({@link ManagerClient}'s read role): one
 * reads for all while the others wait, an interrupt never closes the connection, and whoever
 * leaves the role leaves it to a caller still waiting.
 */
class ManagerClientReadRoleTest {

    /** Runs {@code body} on a new thread that records what it took, or the exception's class. */
    private static Thread taker(String name, SharedQueue<String> q, List<String> out) {
        Thread t = new Thread(() -> {
            try {
                out.add(name + ":" + q.take());
            } catch (Exception e) {
                out.add(name + ":" + e.getClass().getSimpleName());
            }
        }, name);
        t.start();
        return t;
    }

    private static void join(Thread t) throws InterruptedException {
        t.join(60_000);
        if (t.isAlive()) {
            throw new AssertionError(t.getName() + " is still waiting for its answer");
        }
    }

    @Test
    void aRemoteCallStartsNoThreadOfItsOwn() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedCounter counter = m.counter("c");
            String threads = runWithin(() -> {
                counter.incrementAndGet();
                StringBuilder jpool = new StringBuilder();
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().startsWith("jpool")) {
                        jpool.append(t.getName()).append(' ');
                    }
                }
                return jpool.toString();
            });
            assertThat(threads).as("the caller reads its own answer: no reader thread to hand it over").isEmpty();
            assertThat(counter.get()).isEqualTo(1);
        }
    }

    @Test
    void anInterruptedCallerGetsInterruptedWhetherItReadsForOthersOrWaitsAndTheOthersGoOn() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedQueue<String> q = m.queue("q", 10);
            SharedCounter counter = m.counter("c");
            SharedEvent firstWaits = m.event("firstWaits");
            SharedEvent secondWaits = m.event("secondWaits");
            SharedEvent thirdStarted = m.event("thirdStarted");
            QueueState state = (QueueState) m.server().stateNamed("q");
            CompletableFuture<List<String>> child = CompletableFuture.supplyAsync(() -> {
                try {
                    return runWithin(() -> {
                        List<String> out = Collections.synchronizedList(new ArrayList<>());
                        Thread reader = taker("A", q, out); // waits first: holds the read role
                        firstWaits.await(null);
                        Thread follower = taker("B", q, out);
                        secondWaits.await(null);
                        follower.interrupt(); // a caller waiting without the role
                        join(follower);
                        for (int i = 0; i < 100; i++) {
                            counter.incrementAndGet(); // answered through A, which still reads
                        }
                        reader.interrupt(); // the caller that reads for the others
                        join(reader);
                        Thread next = taker("C", q, out);
                        thirdStarted.set();
                        join(next);
                        out.add("count:" + counter.get());
                        return new ArrayList<>(out);
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await(() -> state.waiters() == 1, "A waits in take");
            firstWaits.set();
            await(() -> state.waiters() == 2, "B waits in take too");
            secondWaits.set();
            assertThat(thirdStarted.await(Duration.ofSeconds(60))).isTrue();
            await(() -> state.waiters() == 1, "only C waits in take");
            q.put("x");
            assertThat(child.get(120, TimeUnit.SECONDS))
                    .containsExactly("B:InterruptedException", "A:InterruptedException", "C:x", "count:100");
            assertThat(q.size()).isZero();
            assertThat(state.acknowledgedCount()).isEqualTo(1);
        }
    }

    @RepeatedTest(2)
    void manyThreadsOfOneJvmEachGetTheirOwnAnswersWhileOthersWaitInTake() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedQueue<String> q = m.queue("q", 10);
            SharedCounter counter = m.counter("c");
            String seen = runWithin(() -> {
                List<String> out = Collections.synchronizedList(new ArrayList<>());
                List<Thread> takers = List.of(taker("t1", q, out), taker("t2", q, out));
                List<Thread> adders = new ArrayList<>();
                List<Long> wrong = Collections.synchronizedList(new ArrayList<>());
                for (int a = 0; a < 6; a++) {
                    Thread t = new Thread(() -> {
                        long last = 0;
                        for (int i = 0; i < 300; i++) {
                            long now = counter.incrementAndGet();
                            if (now <= last) {
                                wrong.add(now); // an answer meant for another caller
                            }
                            last = now;
                        }
                    });
                    t.start();
                    adders.add(t);
                }
                for (Thread t : adders) {
                    join(t);
                }
                q.put("one");
                q.put("two");
                for (Thread t : takers) {
                    join(t);
                }
                List<String> got = new ArrayList<>(out);
                Collections.sort(got);
                return counter.get() + " " + wrong + " " + got.size() + " " + (got.toString().contains("one") && got.toString().contains("two"));
            });
            assertThat(seen).isEqualTo("1800 [] 2 true");
            assertThat(q.size()).isZero();
        }
    }
}
