package io.jpool.hazelcast;

import io.jpool.PoolFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The member's start-signal scanner sleeps while the only tasks running were reported already. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartSignalsTest {
    static volatile CountDownLatch release = new CountDownLatch(0);

    static String held() throws InterruptedException {
        release.await();
        return "done";
    }

    @Test
    void theScannerSleepsWhileOnlyReportedTasksRun() throws Exception {
        release = new CountDownLatch(1);
        LoopbackCluster cluster = LoopbackCluster.start(1, 2);
        ClusterPool pool = ClusterPool.builder().hazelcast(cluster.members.get(0)).build();
        try {
            PoolFuture<String> f = pool.submit(StartSignalsTest::held);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (f.status() != PoolFuture.Status.RUNNING) {
                assertThat(System.nanoTime()).as("start reported").isLessThan(deadline);
                Thread.sleep(2);
            }
            long before = StartSignals.passes;
            Thread.sleep(300);
            long woke = StartSignals.passes - before;
            // A scanner waking every millisecond while a task runs would pass about 300 times.
            assertThat(woke).as("scanner passes in 300 ms with one reported task running").isLessThan(20);
            release.countDown();
            assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("done");
            // and it wakes again for the next task
            release = new CountDownLatch(1);
            PoolFuture<String> g = pool.submit(StartSignalsTest::held);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (g.status() != PoolFuture.Status.RUNNING) {
                assertThat(System.nanoTime()).as("the next task's start reported").isLessThan(deadline);
                Thread.sleep(2);
            }
            release.countDown();
            assertThat(g.get(30, TimeUnit.SECONDS)).isEqualTo("done");
        } finally {
            release.countDown(); // before closing: close waits for the held task
            pool.close();
            cluster.close();
        }
    }
}
