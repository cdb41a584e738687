package io.jpool.thread;

import io.jpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of tasks that block gets a thread for each, up to maxWorkers, however the submits
 * interleave with workers that start, spin or go idle: a pool that stopped growing with tasks
 * queued would leave them waiting behind tasks that never end (here, until the test lets go).
 */
class ThreadPoolBurstGrowthTest {
    private static final int ROUNDS = 40;
    /** Tasks that block until all of them have started; the pool has exactly one thread for each. */
    private static final int BLOCKING = 100;
    /** Short tasks submitted between them, whose workers finish, go idle or poll, and are reused. */
    private static final int SHORT_PER_BLOCKING = 4;

    @Test
    void everyBlockingTaskOfABurstGetsAThread() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            CountDownLatch started = new CountDownLatch(BLOCKING);
            CountDownLatch release = new CountDownLatch(1);
            try (ThreadPool pool = ThreadPool.builder().maxWorkers(BLOCKING).threadNamePrefix("burst").build()) {
                try {
                    for (int i = 0; i < BLOCKING; i++) {
                        for (int k = 0; k < SHORT_PER_BLOCKING; k++) {
                            pool.submit(() -> {
                                Thread.sleep(1);
                                return 0;
                            });
                        }
                        pool.submit(() -> {
                            started.countDown();
                            return release.await(60, TimeUnit.SECONDS);
                        });
                    }
                    assertThat(started.await(30, TimeUnit.SECONDS))
                            .as("round %d: blocking tasks started %d of %d; %s",
                                    round, BLOCKING - started.getCount(), BLOCKING, pool.stats())
                            .isTrue();
                } finally {
                    release.countDown();
                }
            }
        }
        PoolTestSupport.assertNoThreadsLeft("burst-");
    }
}
