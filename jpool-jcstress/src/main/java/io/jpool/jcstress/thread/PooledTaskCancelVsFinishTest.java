package io.jpool.jcstress.thread;

import io.jpool.ThreadPool;
import io.jpool.internal.future.TaskFuture;
import io.jpool.internal.thread.JcstressAccess;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The thread pool's real task object: a worker runs it while another thread calls
 * {@code cancel(true)}. The interrupt that stops the task must never outlive it (it would hit the
 * worker's next task). The package-private {@code PooledTask} is reached through
 * {@link JcstressAccess}; the pool is never started (threads start lazily), only its counters are used.
 */
@JCStressTest
@Description("PooledTask.run() vs cancel(true). (interrupt left on the worker after run, cancel, status, ran)")
@Outcome(id = "0, 0, 2, 1", expect = ACCEPTABLE, desc = "finished first: SUCCESS, cancel false")
@Outcome(id = "0, 1, 4, 0", expect = ACCEPTABLE, desc = "cancelled before it started: never ran")
@Outcome(id = "0, 1, 4, 1", expect = ACCEPTABLE, desc = "cancelled while running: interrupted, flag cleared")
@Outcome(expect = FORBIDDEN, desc = "an interrupt leaked past the task, or status disagrees")
@State
public class PooledTaskCancelVsFinishTest {
    private static final ThreadPool POOL = ThreadPool.create(1);

    private volatile int ran;
    private final TaskFuture<Integer> task = JcstressAccess.task(POOL, () -> {
        ran = 1;
        return 42;
    });

    @Actor
    public void worker(IIII_Result r) {
        JcstressAccess.run(task);
        r.r1 = Thread.interrupted() ? 1 : 0;
    }

    @Actor
    public void canceller(IIII_Result r) {
        r.r2 = task.cancel(true) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r3 = task.status().ordinal();
        r.r4 = ran;
    }
}
