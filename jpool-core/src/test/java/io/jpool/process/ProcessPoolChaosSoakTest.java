package io.jpool.process;

import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.jpool.ProcessPool;
import io.jpool.TaskTimeoutException;
import io.jpool.WorkerDiedException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos soak (tagged slow; {@code mvn -B -ntp verify -Pslow}): hundreds of tasks of which some
 * exit, halt, hang past their limit, throw or get cancelled, on a recycling pool. Every future must
 * end in exactly the state its task earned, the stats must add up, and no worker may survive.
 */
@Tag("slow")
class ProcessPoolChaosSoakTest {

    enum Kind { OK, THROW, EXIT, HALT, HANG, CANCEL }

    @Test
    void everyTaskEndsInTheStateItEarnedAndNothingLeaks() throws Exception {
        Random random = new Random(42);
        List<Kind> kinds = new ArrayList<>();
        List<PoolFuture<Integer>> futures = new ArrayList<>();
        Set<Long> pids = new HashSet<>();
        ProcessPool pool = ProcessSupport.pool(2).maxTasksPerWorker(25).build();
        try {
            for (int i = 0; i < 400; i++) {
                int r = random.nextInt(100);
                Kind kind = r < 70 ? Kind.OK : r < 80 ? Kind.THROW : r < 85 ? Kind.EXIT : r < 90 ? Kind.HALT
                        : r < 94 ? Kind.HANG : Kind.CANCEL;
                int n = i;
                PoolFuture<Integer> f = pool.submit(() -> {
                    switch (kind) {
                        case THROW: throw new IllegalStateException("task " + n);
                        case EXIT: System.exit(5); return -1;
                        case HALT: Runtime.getRuntime().halt(6); return -1;
                        case HANG: Thread.sleep(Long.MAX_VALUE); return -1;
                        default: return n;
                    }
                }, Duration.ofSeconds(2));
                if (kind == Kind.CANCEL) {
                    f.cancel(true);
                }
                kinds.add(kind);
                futures.add(f);
                pids.addAll(pool.workerPids());
            }
            for (int i = 0; i < futures.size(); i++) {
                PoolFuture<Integer> f = futures.get(i);
                Kind kind = kinds.get(i);
                try {
                    Integer v = f.get();
                    assertThat(kind).as("task %d succeeded", i).isIn(Kind.OK, Kind.CANCEL);
                    assertThat(v).isEqualTo(i);
                } catch (CancellationException e) {
                    assertThat(kind).as("task %d cancelled", i).isEqualTo(Kind.CANCEL);
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    switch (kind) {
                        case THROW: assertThat(c).isInstanceOf(IllegalStateException.class); break;
                        case EXIT: case HALT: assertThat(c).isInstanceOf(WorkerDiedException.class); break;
                        case HANG: assertThat(c).isInstanceOf(TaskTimeoutException.class); break;
                        default: throw new AssertionError("task " + i + " (" + kind + ") failed", c);
                    }
                }
            }
        } finally {
            pool.close();
        }
        PoolStats s = pool.stats();
        assertThat(s.submitted()).isEqualTo(400);
        assertThat(s.completed() + s.failed() + s.cancelled()).isEqualTo(400);
        assertThat(pool.workerPids()).isEmpty();
        ProcessSupport.assertAllDead(pids);
    }
}
