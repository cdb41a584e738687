package io.jpool;

import io.jpool.thread.PoolTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeadlockWatchdogTest {
    private Thread first;
    private Thread second;

    /** Two threads that each hold one lock and wait (interruptibly) for the other's. */
    private void deadlock(String name) throws InterruptedException {
        ReentrantLock a = new ReentrantLock();
        ReentrantLock b = new ReentrantLock();
        CountDownLatch bothHoldOne = new CountDownLatch(2);
        first = new Thread(() -> lockBoth(a, b, bothHoldOne), name + "-first");
        second = new Thread(() -> lockBoth(b, a, bothHoldOne), name + "-second");
        first.start();
        second.start();
        bothHoldOne.await();
    }

    private static void lockBoth(ReentrantLock mine, ReentrantLock theirs, CountDownLatch bothHoldOne) {
        mine.lock();
        try {
            bothHoldOne.countDown();
            bothHoldOne.await(); // neither takes the other's lock before both hold their own
            theirs.lockInterruptibly();
            theirs.unlock();
        } catch (InterruptedException e) {
            // freed by the test
        } finally {
            mine.unlock();
        }
    }

    @AfterEach
    void freeThem() throws InterruptedException {
        for (Thread t : new Thread[] {first, second}) {
            if (t != null) {
                t.interrupt();
                t.join(30_000);
                assertThat(t.isAlive()).as("%s still alive", t.getName()).isFalse();
            }
        }
    }

    private static String awaitDeadlock() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (;;) {
            Optional<String> report = DeadlockWatchdog.findDeadlocks();
            if (report.isPresent()) {
                return report.get();
            }
            assertThat(System.nanoTime() - deadline).as("no deadlock found within 30 s").isNegative();
            Thread.yield();
        }
    }

    @Test
    void findDeadlocksNamesBothThreadsTheirLocksAndStacks() throws Exception {
        deadlock("dl-find");
        String report = awaitDeadlock();
        assertThat(report)
                .startsWith("deadlock: 2 threads wait for each other")
                .contains("\"dl-find-first\"", "\"dl-find-second\"")
                .contains("waiting for java.util.concurrent.locks.ReentrantLock")
                .contains("held by \"dl-find-second\"", "held by \"dl-find-first\"")
                .contains("io.jpool.DeadlockWatchdogTest.lockBoth(DeadlockWatchdogTest.java")
                .contains("holds [java.util.concurrent.locks.ReentrantLock");
    }

    @Test
    void findDeadlocksIsEmptyWithoutOne() {
        assertThat(DeadlockWatchdog.findDeadlocks()).isEmpty();
    }

    @Test
    void watchdogReportsANewDeadlockOnceAndItsThreadEndsOnClose() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        CompletableFuture<String> firstReport = new CompletableFuture<>();
        DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofMillis(5), r -> {
            reports.add(r);
            firstReport.complete(r);
        });
        try {
            assertThat(PoolTestSupport.threadsNamed("jpool-deadlock-watchdog")).hasSize(1);
            deadlock("dl-watch");
            assertThat(firstReport.get(30, TimeUnit.SECONDS)).contains("\"dl-watch-first\"", "\"dl-watch-second\"");
            // an observation window of many periods, not a synchronisation: the same deadlock is not reported again
            Thread.sleep(200);
            assertThat(reports).hasSize(1);
        } finally {
            watchdog.close();
        }
        assertThat(PoolTestSupport.threadsNamed("jpool-deadlock-watchdog")).isEmpty();
    }

    @Test
    void aThrowingCallbackDoesNotStopTheWatchdog() throws Exception {
        CountDownLatch firstCall = new CountDownLatch(1);
        CountDownLatch calls = new CountDownLatch(2);
        DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofMillis(5), r -> {
            firstCall.countDown();
            calls.countDown();
            throw new IllegalStateException("callback failed");
        });
        try {
            deadlock("dl-throw-a");
            assertThat(firstCall.await(30, TimeUnit.SECONDS)).as("first deadlock reported").isTrue();
            freeThem();
            first = null;
            second = null;
            assertThat(DeadlockWatchdog.findDeadlocks()).isEmpty();
            deadlock("dl-throw-b"); // a second deadlock, after the first callback threw
            assertThat(calls.await(30, TimeUnit.SECONDS)).as("second deadlock reported").isTrue();
        } finally {
            watchdog.close();
        }
    }

    @Test
    void startRejectsBadArgumentsSayingWhatToGive() {
        assertThatThrownBy(() -> DeadlockWatchdog.start(Duration.ZERO, r -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period must be positive");
        assertThatThrownBy(() -> DeadlockWatchdog.start(Duration.ofSeconds(-1), r -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Duration.ofSeconds(10)");
        assertThatThrownBy(() -> DeadlockWatchdog.start(null, r -> { }))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("period is null");
        assertThatThrownBy(() -> DeadlockWatchdog.start(Duration.ofSeconds(1), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("onDeadlock is null");
    }
}
