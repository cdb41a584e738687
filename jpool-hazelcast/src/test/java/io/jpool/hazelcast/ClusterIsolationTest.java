package io.jpool.hazelcast;

import io.jpool.PoolFuture;
import io.jpool.WorkerDiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tasks isolated in each member's local ProcessPool: a crash kills a worker JVM, not a member. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterIsolationTest {

    @Test
    void tasksRunInWorkerProcessesAndACrashCostsOnlyAWorker() throws Exception {
        long me = ProcessHandle.current().pid();
        try (LoopbackCluster cluster = LoopbackCluster.start(2, 2)) {
            try (ClusterPool pool = ClusterPool.builder().hazelcast(cluster.members.get(0))
                    .isolateInProcesses(1).build()) {
                List<PoolFuture<Long>> fs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    fs.add(pool.submit(() -> ProcessHandle.current().pid()));
                }
                Set<Long> pids = new HashSet<>();
                for (PoolFuture<Long> f : fs) {
                    pids.add(f.get(120, TimeUnit.SECONDS));
                }
                assertThat(pids).as("one worker JVM per member, not this JVM").hasSize(2).doesNotContain(me);

                PoolFuture<Integer> crash = pool.submit(() -> {
                    Runtime.getRuntime().halt(3);
                    return 0;
                });
                assertThatThrownBy(() -> crash.get(120, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(WorkerDiedException.class);
                assertThat(cluster.members).allMatch(m -> m.getLifecycleService().isRunning());
                assertThat(pool.submit(() -> 5).get(120, TimeUnit.SECONDS)).isEqualTo(5);
                assertThat(pool.submit(() -> 6).get(120, TimeUnit.SECONDS)).isEqualTo(6);
            }
        }
        // The members shut their process pools down with them.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive)) {
            assertThat(System.nanoTime()).as("worker JVMs left: %s",
                    ProcessHandle.current().descendants().map(p -> p.info().commandLine().orElse("?")).toList())
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
