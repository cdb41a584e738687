package io.jpool.internal.manager;

import io.jpool.SharedCounter;
import io.jpool.SharedLock;
import io.jpool.SharedQueue;
import io.jpool.Task;
import io.jpool.manager.ChildJvm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real worker JVMs using a manager's queue, counter and lock, SIGKILLed at random moments (half of
 * them SIGSTOPped first, so that what was in flight to them stays in flight): nothing the manager
 * handed out is lost or given twice. A child reports on its stdout what it got; one killed after
 * its call completed and before it printed took something it never reported, so each kill allows
 * at most one such unreported success. Slow: each kill costs a fresh JVM.
 */
@Tag("slow")
class ManagerKillChaosTest {
    private static final int KILLS = Integer.getInteger("jpool.chaos.kills", 24);
    private static final int CHILDREN = 2;

    /** A child JVM running a task, and the lines it printed after "started". */
    private static final class Child {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Thread reader;
        volatile long killedAt = Long.MAX_VALUE; // System.nanoTime() before its first signal

        Child(Task<?> task) throws IOException {
            process = ChildJvm.start(task);
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the child died: what it printed is in lines
                }
            }, "chaos-child-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** What it printed, after it died and its output was read to the end. */
        List<String> finalLines() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(reader.isAlive()).as("the child's output ended").isFalse();
            return lines;
        }
    }

    /** The chaos: keeps {@link #CHILDREN} children running {@code task}, kills one at a random moment {@link #KILLS} times. */
    private static List<Child> killAtRandom(Task<?> task, Random random) throws Exception {
        List<Child> all = new ArrayList<>();
        List<Child> live = new ArrayList<>();
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                while (live.size() < CHILDREN) {
                    Child c = new Child(task);
                    all.add(c);
                    live.add(c);
                }
                Child victim = live.remove(random.nextInt(live.size()));
                await(() -> victim.lines.contains("started") || !victim.process.isAlive(), "the child runs its task");
                Thread.sleep(random.nextInt(200)); // the random moment itself, not a wait for anything
                victim.killedAt = System.nanoTime();
                if (random.nextBoolean()) {
                    signal(victim.process, "STOP");
                    await(() -> isStopped(victim.process), "every thread of the child is stopped");
                }
                signal(victim.process, "KILL");
                assertThat(victim.process.waitFor(60, TimeUnit.SECONDS)).as("the child died").isTrue();
            }
        } finally {
            for (Child c : live) {
                c.killedAt = Math.min(c.killedAt, System.nanoTime());
                c.process.destroyForcibly();
            }
            for (Child c : all) {
                c.process.destroyForcibly();
                assertThat(c.process.waitFor(60, TimeUnit.SECONDS)).as("every child died").isTrue();
            }
        }
        return all;
    }

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Whether every thread of {@code p} is stopped (see ManagerFaultsTest); true without /proc. */
    private static boolean isStopped(Process p) {
        Path tasks = Path.of("/proc", Long.toString(p.pid()), "task");
        if (!Files.isDirectory(tasks)) {
            return true;
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.allMatch(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
                } catch (IOException gone) {
                    return true;
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(2); // polling a condition, not waiting for time to pass
        }
    }

    private static long seed() {
        long seed = Long.getLong("jpool.chaos.seed", System.nanoTime());
        System.out.println("seed " + seed + " (rerun with -Djpool.chaos.seed=" + seed + ")");
        return seed;
    }

    /** The numbers a child printed as "got N". */
    private static List<Long> got(List<Child> children) throws InterruptedException {
        List<Long> all = new ArrayList<>();
        for (Child c : children) {
            for (String line : c.finalLines()) {
                if (line.startsWith("got ")) {
                    all.add(Long.parseLong(line.substring(4)));
                }
            }
        }
        return all;
    }

    @Test
    void killedTakersLoseNoElementAndNoElementIsTakenTwice() throws Exception {
        Random random = new Random(seed());
        try (ManagerImpl m = new ManagerImpl()) {
            SharedQueue<Long> q = m.queue("q", 16);
            QueueState state = (QueueState) m.server().stateNamed("q");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger put = new AtomicInteger();
            Thread producer = new Thread(() -> {
                try {
                    for (long i = 0; !stop.get(); ) {
                        if (q.offer(i, Duration.ofMillis(50))) {
                            put.incrementAndGet();
                            i++;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "chaos-producer");
            producer.start();
            List<Child> children;
            try {
                children = killAtRandom(() -> {
                    for (;;) {
                        Long e = q.take();
                        System.out.println("got " + e);
                        System.out.flush();
                    }
                }, random);
            } finally {
                stop.set(true);
                producer.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(producer.isAlive()).isFalse();
            int total = put.get();
            await(() -> m.server().openConnections() == 0 && q.size() + state.acknowledgedCount() == total,
                    "every element put is in the queue or acknowledged (size " + q.size() + ", acknowledged "
                            + state.acknowledgedCount() + ", put " + total + ")");
            List<Long> reported = got(children);
            Set<Long> taken = new HashSet<>(reported);
            assertThat(taken).as("elements reported taken twice").hasSameSizeAs(reported);
            Set<Long> left = new HashSet<>();
            for (Long e = q.poll(); e != null; e = q.poll()) {
                assertThat(left.add(e)).as("%d is in the queue twice", e).isTrue();
                assertThat(taken).as("%d is both taken and queued", e).doesNotContain(e);
            }
            assertThat(left.size() + state.acknowledgedCount()).isEqualTo(total);
            assertThat(taken).allSatisfy(e -> assertThat(e).isBetween(0L, total - 1L));
            long unreported = state.acknowledgedCount() - taken.size();
            assertThat(unreported).as("acknowledged by a taker killed before it printed it: at most one a kill")
                    .isBetween(0L, (long) children.size());
            System.out.println("queue chaos: " + children.size() + " children, " + total + " put, " + taken.size()
                    + " reported taken, " + unreported + " taken by a child killed before it said so, " + left.size() + " left, "
                    + state.returnedCount() + " came back from a child killed before it acknowledged them");
            assertThat(taken).as("the children got work done").isNotEmpty();
        }
    }

    @Test
    void killedCallersLeaveACounterWithExactlyTheIncrementsItAnswered() throws Exception {
        Random random = new Random(seed());
        try (ManagerImpl m = new ManagerImpl()) {
            SharedCounter counter = m.counter("c");
            List<Child> children = killAtRandom(() -> {
                for (;;) {
                    System.out.println("got " + counter.incrementAndGet());
                    System.out.flush();
                }
            }, random);
            await(() -> m.server().openConnections() == 0, "the manager has cleaned up after the dead");
            List<Long> reported = got(children);
            Set<Long> distinct = new HashSet<>(reported);
            assertThat(distinct).as("totals answered twice").hasSameSizeAs(reported);
            long total = counter.get();
            assertThat(distinct).allSatisfy(v -> assertThat(v).isBetween(1L, total));
            assertThat(total - distinct.size()).as("increments done for a caller killed before it printed the answer")
                    .isBetween(0L, (long) children.size());
            System.out.println("counter chaos: " + children.size() + " children, total " + total + ", "
                    + (total - distinct.size()) + " increments unreported");
        }
    }

    @Test
    void killedLockHoldersNeverLetTwoHoldItAndAlwaysReleaseIt() throws Exception {
        Random random = new Random(seed());
        try (ManagerImpl m = new ManagerImpl()) {
            SharedLock lock = m.lock("l");
            List<Child> children = killAtRandom(() -> {
                for (;;) {
                    lock.lock();
                    System.out.println("in " + System.nanoTime()); // one clock for every process on the machine
                    System.out.flush();
                    Thread.yield();
                    System.out.println("out " + System.nanoTime());
                    System.out.flush();
                    lock.unlock();
                }
            }, random);
            await(() -> m.server().openConnections() == 0, "the manager has cleaned up after the dead");
            // each child's holds, [in, out]; a hold it never left ends no later than its kill
            List<long[]> holds = new ArrayList<>();
            for (Child c : children) {
                long in = -1;
                for (String line : c.finalLines()) {
                    if (line.startsWith("in ")) {
                        in = Long.parseLong(line.substring(3));
                    } else if (line.startsWith("out ") && in >= 0) {
                        holds.add(new long[] {in, Long.parseLong(line.substring(4))});
                        in = -1;
                    }
                }
                if (in >= 0) {
                    holds.add(new long[] {in, c.killedAt});
                }
            }
            holds.sort((a, b) -> Long.compare(a[0], b[0]));
            long lastEnd = Long.MIN_VALUE;
            for (int i = 0; i < holds.size(); i++) {
                assertThat(holds.get(i)[0]).as("hold %d begins after every earlier one ended: the lock was never held twice", i)
                        .isGreaterThan(lastEnd);
                lastEnd = Math.max(lastEnd, holds.get(i)[1]);
            }
            assertThat(holds.size()).as("holds").isGreaterThan(children.size());
            assertThat(lock.tryLock(Duration.ofSeconds(60))).as("the lock is free once its holders are dead").isTrue();
            lock.unlock();
            System.out.println("lock chaos: " + children.size() + " children, " + holds.size() + " holds");
        }
    }
}
