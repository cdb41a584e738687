package io.jpool.hazelcast;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-flight bound: never more than max held, and a waiter wakes once a quarter is free. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InFlightBoundTest {

    @Test
    void aWaiterWakesOnlyOnceAQuarterOfTheSlotsIsFree() throws Exception {
        InFlightBound bound = new InFlightBound(8);
        assertThat(bound.resumeAt).isEqualTo(6);
        for (int i = 0; i < 8; i++) {
            bound.acquire();
        }
        CompletableFuture<Void> ninth = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                bound.acquire();
                ninth.complete(null);
            } catch (Throwable e) {
                ninth.completeExceptionally(e);
            }
        }, "in-flight-waiter");
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (bound.waiting() == 0) {
            assertThat(System.nanoTime()).as("the ninth acquire never waited").isLessThan(deadline);
            Thread.onSpinWait();
        }
        bound.release(); // 7 held: one slot is free, but a plain semaphore would wake the waiter here
        assertThat(ninth).as("woken before a quarter of the slots was free")
                .failsWithin(300, TimeUnit.MILLISECONDS);
        bound.release(); // 6 held
        ninth.get(30, TimeUnit.SECONDS);
        waiter.join(30_000);
        assertThat(bound.held()).isEqualTo(7);
    }

    @Test
    void oneSlotBoundWakesAtEveryRelease() throws Exception {
        InFlightBound bound = new InFlightBound(1);
        bound.acquire();
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try {
                bound.acquire();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        bound.release();
        second.get(30, TimeUnit.SECONDS);
        assertThat(bound.held()).isEqualTo(1);
    }

    @Test
    void anInterruptedWaiterLeavesNoTrace() throws Exception {
        InFlightBound bound = new InFlightBound(2);
        bound.acquire();
        bound.acquire();
        Thread.currentThread().interrupt();
        assertThatThrownBy(bound::acquire).isInstanceOf(InterruptedException.class);
        assertThat(bound.held()).isEqualTo(2);
        bound.release();
        bound.acquire(); // not queued behind the interrupted waiter
        assertThat(bound.held()).isEqualTo(2);
    }

    @Test
    void rejectsABoundBelowOne() {
        assertThatThrownBy(() -> new InFlightBound(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }

    @RepeatedTest(3)
    void manyThreadsNeverHoldMoreThanTheBoundAndAllFinish() throws Exception {
        int max = 16;
        InFlightBound bound = new InFlightBound(max);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService releasers = Executors.newFixedThreadPool(3);
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                done.add(submitters.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        bound.acquire();
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        releasers.execute(() -> {
                            inside.decrementAndGet();
                            bound.release();
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            submitters.shutdown();
            releasers.shutdown();
            assertThat(releasers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(submitters.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(most.get()).isLessThanOrEqualTo(max);
        assertThat(bound.held()).isZero();
    }
}
