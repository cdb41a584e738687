package io.jpool.internal.manager;

import io.jpool.SharedCounter;
import io.jpool.SharedLock;
import io.jpool.SharedQueue;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peers that vanish at every point of a call ({@link RawPeer}: the manager sees what it sees of a
 * SIGKILLed JVM, without the cost of one): a taken element is acknowledged exactly once or is back
 * in its queue, a lock is released once and never held twice, a counter's total is exactly the
 * increments whose requests reached the manager. Each test prints its seed when it fails.
 */
class ManagerHandOverChaosTest {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Where in a call its peer vanishes. */
    enum Cut { BEFORE_REQUEST, AFTER_REQUEST, AFTER_ANSWER, AFTER_ACK }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(1); // polling a condition, not waiting for time to pass
        }
    }

    /** A body that may throw, run by {@link #onThreads} with its thread's random source. */
    private interface Body {
        void run(Random random) throws Exception;
    }

    /** Runs {@code body} on {@code n} threads, each with {@code new Random(seed + k)}; rethrows the first failure. */
    private static void onThreads(int n, long seed, Body body) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                Random random = new Random(seed + k);
                all.add(threads.submit(() -> {
                    body.run(random);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static long seed() {
        long seed = Long.getLong("jpool.chaos.seed", System.nanoTime());
        System.out.println("seed " + seed + " (rerun with -Djpool.chaos.seed=" + seed + ")");
        return seed;
    }

    @Test
    void aTakerVanishingAtEachPointOfTheHandOverLeavesItsElementAcknowledgedOnceOrQueued() throws Exception {
        Random random = new Random(seed());
        try (ManagerImpl m = new ManagerImpl()) {
            SharedQueue<String> q = m.queue("q", 4);
            QueueState state = (QueueState) m.server().stateNamed("q");
            ManagerServer server = m.server();
            long acknowledged = 0;
            for (int i = 0; i < 200; i++) {
                Cut cut = Cut.values()[i % Cut.values().length];
                boolean putFirst = random.nextBoolean();
                String e = "e" + i;
                String at = "iteration " + i + ", vanished " + cut + (putFirst ? ", put first" : "");
                long returnedBefore = state.returnedCount();
                try (RawPeer peer = new RawPeer(server)) {
                    switch (cut) {
                        case BEFORE_REQUEST -> {
                            peer.close();
                            q.put(e);
                        }
                        case AFTER_REQUEST -> { // the put races the manager's noticing that the peer is gone
                            peer.request(Op.QueueOp.POLL, "q", (Object) null);
                            await(() -> state.waiters() == 1, "the peer's take waits (" + at + ")");
                            if (putFirst) {
                                q.put(e);
                                peer.close();
                            } else {
                                peer.close();
                                q.put(e);
                            }
                        }
                        case AFTER_ANSWER, AFTER_ACK -> {
                            long id = peer.request(Op.QueueOp.POLL, "q", (Object) null);
                            if (putFirst) { // the put finds the take waiting, or comes first
                                q.put(e);
                            } else {
                                await(() -> state.waiters() == 1, "the peer's take waits (" + at + ")");
                                q.put(e);
                            }
                            Wire.Response r = peer.answer();
                            assertThat(r).as(at).isEqualTo(new Wire.Response(id, true, e));
                            if (cut == Cut.AFTER_ACK) {
                                peer.ack(id);
                                acknowledged++;
                            }
                        }
                    }
                }
                long expected = acknowledged;
                int left = cut == Cut.AFTER_ACK ? 0 : 1;
                await(() -> server.openConnections() == 0 && state.waiters() == 0
                        && state.acknowledgedCount() == expected && q.size() == left,
                        "the element is acknowledged or back, nothing else (" + at + "; size " + q.size()
                                + ", acknowledged " + state.acknowledgedCount() + " of " + expected + ")");
                long returned = state.returnedCount() - returnedBefore;
                if (cut == Cut.AFTER_REQUEST) {
                    assertThat(returned).as("given back at most once (" + at + ")").isBetween(0L, 1L);
                } else {
                    assertThat(returned).as("given back once if handed over and not acknowledged (" + at + ")")
                            .isEqualTo(cut == Cut.AFTER_ANSWER ? 1L : 0L);
                }
                assertThat(q.poll()).as(at).isEqualTo(left == 0 ? null : e);
                assertThat(q.size()).as(at).isZero();
            }
            assertThat(state.acknowledgedCount()).isEqualTo(acknowledged);
        }
    }

    /** Also: a taker that stays is never cut off by another's vanishing (its calls would throw). */
    @RepeatedTest(3)
    void takersVanishingAtRandomMomentsLoseNoElementAndTakeNoneTwice() throws Exception {
        long seed = seed();
        int elements = 3000;
        int takers = 4;
        try (ManagerImpl m = new ManagerImpl()) {
            SharedQueue<Integer> q = m.queue("q", 8);
            QueueState state = (QueueState) m.server().stateNamed("q");
            ManagerServer server = m.server();
            Set<Integer> taken = ConcurrentHashMap.newKeySet();
            List<Integer> takenTwice = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicBoolean produced = new AtomicBoolean();
            AtomicInteger vanished = new AtomicInteger();
            ExecutorService threads = Executors.newFixedThreadPool(takers + 1);
            try {
                Future<?> producer = threads.submit(() -> {
                    for (int i = 0; i < elements; i++) {
                        q.put(i);
                    }
                    produced.set(true);
                    return null;
                });
                List<Future<?>> consumers = new ArrayList<>();
                for (int k = 0; k < takers; k++) {
                    Random random = new Random(seed + k);
                    consumers.add(threads.submit(() -> {
                        boolean idle = false;
                        while (!(idle && produced.get())) {
                            idle = takeUntilVanished(server, random, taken, takenTwice);
                            vanished.incrementAndGet();
                        }
                        return null;
                    }));
                }
                producer.get(120, TimeUnit.SECONDS);
                for (Future<?> c : consumers) {
                    c.get(120, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
                assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            await(() -> server.openConnections() == 0 && state.waiters() == 0
                    && q.size() + state.acknowledgedCount() == elements,
                    "every element is in the queue or acknowledged (size " + q.size() + ", acknowledged "
                            + state.acknowledgedCount() + ", of " + elements + ")");
            Set<Integer> left = new HashSet<>();
            for (Integer e = q.poll(); e != null; e = q.poll()) {
                assertThat(left.add(e)).as("%d is in the queue twice", e).isTrue();
            }
            assertThat(takenTwice).as("elements taken twice").isEmpty();
            assertThat(state.acknowledgedCount()).isEqualTo(taken.size());
            Set<Integer> both = new HashSet<>(left);
            both.retainAll(taken);
            assertThat(both).as("elements both taken and still queued").isEmpty();
            assertThat(left.size() + taken.size()).isEqualTo(elements);
            assertThat(vanished.get()).as("takers that vanished").isGreaterThan(takers);
        }
    }

    /**
     * One taker's life: a few takes (one or two in flight at once), each answer acknowledged, and
     * then it vanishes at a random point of its last call. Records what it acknowledged; returns
     * true if a take found the queue empty.
     */
    private static boolean takeUntilVanished(ManagerServer server, Random random, Set<Integer> taken,
            List<Integer> takenTwice) throws IOException, ClassNotFoundException {
        boolean idle = false;
        try (RawPeer peer = new RawPeer(server)) {
            int calls = random.nextInt(12);
            for (int call = 0; call <= calls; call++) {
                Cut cut = call == calls ? Cut.values()[random.nextInt(Cut.values().length)] : null;
                if (cut == Cut.BEFORE_REQUEST) {
                    break;
                }
                int inFlight = 1 + random.nextInt(2);
                for (int i = 0; i < inFlight; i++) {
                    peer.request(Op.QueueOp.POLL, "q", POLL_NANOS);
                }
                if (cut == Cut.AFTER_REQUEST) {
                    break;
                }
                for (int i = 0; i < inFlight; i++) {
                    Wire.Response r = peer.answer();
                    assertThat(r.ok()).as("answer %s", r).isTrue();
                    if (r.value() == null) {
                        idle = true;
                    } else if (cut != Cut.AFTER_ANSWER) {
                        peer.ack(r.id());
                        if (!taken.add((Integer) r.value())) {
                            takenTwice.add((Integer) r.value());
                        }
                    }
                }
            }
        }
        return idle;
    }

    @Test
    void aLockHolderVanishingAtEachPointIsReleasedOnceAndNoOneElseLosesTheLock() throws Exception {
        Random random = new Random(seed());
        try (ManagerImpl m = new ManagerImpl()) {
            SharedLock lock = m.lock("l");
            LockState state = (LockState) m.server().stateNamed("l");
            ManagerServer server = m.server();
            for (int i = 0; i < 120; i++) {
                Cut cut = Cut.values()[i % Cut.values().length];
                boolean releaseFirst = random.nextBoolean();
                String at = "iteration " + i + ", vanished " + cut + (releaseFirst ? ", released first" : "");
                lock.lock(); // held here, so the peer has to wait for it
                boolean heldHere = true;
                try (RawPeer peer = new RawPeer(server)) {
                    switch (cut) {
                        case BEFORE_REQUEST -> peer.close();
                        case AFTER_REQUEST -> { // the release races the manager's noticing that the peer is gone
                            peer.request(Op.LockOp.TRY_LOCK, "l", (Object) null);
                            await(() -> state.waiters() == 1, "the peer waits for the lock (" + at + ")");
                            if (releaseFirst) {
                                lock.unlock();
                                heldHere = false;
                            }
                            peer.close();
                        }
                        case AFTER_ANSWER -> { // granted, then gone while holding it
                            long id = peer.request(Op.LockOp.TRY_LOCK, "l", (Object) null);
                            await(() -> state.waiters() == 1, "the peer waits for the lock (" + at + ")");
                            lock.unlock();
                            heldHere = false;
                            assertThat(peer.answer()).as(at).isEqualTo(new Wire.Response(id, true, true));
                        }
                        case AFTER_ACK -> { // granted and unlocked; then this thread takes it again
                            long id = peer.request(Op.LockOp.TRY_LOCK, "l", (Object) null);
                            await(() -> state.waiters() == 1, "the peer waits for the lock (" + at + ")");
                            lock.unlock();
                            assertThat(peer.answer()).as(at).isEqualTo(new Wire.Response(id, true, true));
                            assertThat(peer.call(Op.LockOp.UNLOCK, "l").ok()).as(at).isTrue();
                            assertThat(lock.tryLock(Duration.ZERO)).as(at).isTrue();
                        }
                    }
                }
                await(() -> server.openConnections() == 0 && state.waiters() == 0, "the manager has cleaned up (" + at + ")");
                if (heldHere) {
                    assertThat(lock.isLocked()).as("still held here, not released by the vanished peer (" + at + ")").isTrue();
                    lock.unlock();
                }
                assertThat(lock.tryLock(Duration.ofSeconds(60))).as("the lock is free again (" + at + ")").isTrue();
                lock.unlock();
                assertThat(lock.isLocked()).as(at).isFalse();
            }
        }
    }

    @Test
    void lockHoldersVanishingAtRandomMomentsNeverShareTheLock() throws Exception {
        long seed = seed();
        int holders = 4;
        int lives = 60;
        try (ManagerImpl m = new ManagerImpl()) {
            SharedLock lock = m.lock("l");
            LockState state = (LockState) m.server().stateNamed("l");
            ManagerServer server = m.server();
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger shared = new AtomicInteger();
            AtomicLong grants = new AtomicLong();
            onThreads(holders, seed, random -> {
                for (int life = 0; life < lives; life++) {
                    lockUntilVanished(server, random, inside, shared, grants);
                }
            });
            await(() -> server.openConnections() == 0 && state.waiters() == 0, "the manager has cleaned up");
            assertThat(shared.get()).as("times the lock was held by two peers at once").isZero();
            assertThat(grants.get()).isGreaterThan(holders);
            assertThat(lock.tryLock(Duration.ofSeconds(60))).as("the lock is free at the end").isTrue();
            lock.unlock();
        }
    }

    /**
     * One holder's life: a few lock/unlock rounds, then it vanishes at a random point of its last
     * one (waiting, or holding the lock). {@code inside} counts holders between grant and release:
     * a holder leaves it before it unlocks or vanishes, so no other grant can overlap its count.
     */
    private static void lockUntilVanished(ManagerServer server, Random random, AtomicInteger inside,
            AtomicInteger shared, AtomicLong grants) throws IOException, ClassNotFoundException {
        try (RawPeer peer = new RawPeer(server)) {
            int rounds = random.nextInt(4);
            for (int round = 0; round <= rounds; round++) {
                Cut cut = round == rounds ? Cut.values()[random.nextInt(Cut.values().length)] : null;
                if (cut == Cut.BEFORE_REQUEST) {
                    return;
                }
                peer.request(Op.LockOp.TRY_LOCK, "l", (Object) null);
                if (cut == Cut.AFTER_REQUEST) {
                    return; // may be granted, to a peer that is gone
                }
                Wire.Response r = peer.answer();
                assertThat(r.ok() && Boolean.TRUE.equals(r.value())).as("granted: %s", r).isTrue();
                grants.incrementAndGet();
                if (inside.incrementAndGet() != 1) {
                    shared.incrementAndGet();
                }
                for (int i = random.nextInt(20); i > 0; i--) {
                    Thread.yield(); // hold it a moment, so that a second grant would overlap this one
                }
                inside.decrementAndGet();
                if (cut == Cut.AFTER_ANSWER) {
                    return; // vanishes holding it
                }
                assertThat(peer.call(Op.LockOp.UNLOCK, "l").ok()).isTrue();
            }
        }
    }

    @Test
    void aCounterCountsExactlyTheIncrementsThatReachedIt() throws Exception {
        long seed = seed();
        int callers = 4;
        int lives = 150;
        try (ManagerImpl m = new ManagerImpl()) {
            SharedCounter counter = m.counter("c");
            ManagerServer server = m.server();
            AtomicLong sent = new AtomicLong();
            Set<Long> answers = ConcurrentHashMap.newKeySet();
            AtomicInteger answeredTwice = new AtomicInteger();
            onThreads(callers, seed, random -> {
                for (int life = 0; life < lives; life++) {
                    try (RawPeer peer = new RawPeer(server)) {
                        int calls = random.nextInt(6);
                        for (int call = 0; call <= calls; call++) {
                            Cut cut = call == calls ? Cut.values()[random.nextInt(3)] : null; // no ack for a counter
                            if (cut == Cut.BEFORE_REQUEST) {
                                break;
                            }
                            peer.request(Op.CounterOp.ADD_AND_GET, "c", 1L);
                            sent.incrementAndGet(); // written whole: the manager reads it before it sees the end
                            if (cut == Cut.AFTER_REQUEST) {
                                break;
                            }
                            Wire.Response r = peer.answer();
                            assertThat(r.ok()).as("answer %s", r).isTrue();
                            if (!answers.add((Long) r.value())) {
                                answeredTwice.incrementAndGet();
                            }
                        }
                    }
                }
            });
            await(() -> server.openConnections() == 0, "the manager has cleaned up");
            assertThat(answeredTwice.get()).as("totals answered twice").isZero();
            assertThat(counter.get()).as("increments sent whole, answered or not").isEqualTo(sent.get());
            assertThat(answers).allSatisfy(v -> assertThat(v).isBetween(1L, sent.get()));
        }
    }
}
