package io.jpool.thread;

import io.jpool.PoolFuture;
import io.jpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ThreadPoolImpl's coverage invariant under random timing: two threads submit at the same moment
 * while the workers are in any state (running, spinning, going idle, parked, retiring after a
 * short keepAlive), and the two tasks must meet, which they can only do if each got a worker of
 * its own. A submit that counted on a worker that then took the other task, with no wake-up
 * passed on, would leave one task queued and the meeting would time out.
 */
class ThreadPoolCoverageTest {

    private static final String PREFIX = "coverage-test";

    @Test
    void twoRacingSubmitsAlwaysGetTwoWorkers() throws Exception {
        for (Duration keepAlive : new Duration[] {Duration.ofMillis(1), Duration.ofSeconds(60)}) {
            try (ThreadPool pool = ThreadPool.builder().maxWorkers(2).keepAlive(keepAlive)
                    .threadNamePrefix(PREFIX).build()) {
                CyclicBarrier submitters = new CyclicBarrier(2);
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                int rounds = 0;
                while (rounds < 100 || System.nanoTime() - until < 0 && rounds < 3000) {
                    CyclicBarrier meeting = new CyclicBarrier(2);
                    CompletableFuture<PoolFuture<String>> other = CompletableFuture.supplyAsync(
                            () -> submitAfter(pool, submitters, meeting));
                    PoolFuture<String> mine = submitAfter(pool, submitters, meeting);
                    assertThat(mine.get(30, TimeUnit.SECONDS)).as("round %d", rounds).isEqualTo("met");
                    assertThat(other.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS))
                            .as("round %d", rounds).isEqualTo("met");
                    rounds++;
                }
                assertThat(pool.stats().completed()).isEqualTo(2L * rounds);
            }
            PoolTestSupport.assertNoThreadsLeft(PREFIX);
        }
    }

    /** Submits a meeting task once the other submitter is ready too, after a random pause of its own. */
    private static PoolFuture<String> submitAfter(ThreadPool pool, CyclicBarrier submitters, CyclicBarrier meeting) {
        try {
            submitters.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // not a synchronisation: it only varies the state the workers are in (and the order of the submits)
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(300_000));
        return pool.submit(() -> {
            meeting.await(20, TimeUnit.SECONDS); // fails unless the other task runs at the same time
            return "met";
        });
    }
}
