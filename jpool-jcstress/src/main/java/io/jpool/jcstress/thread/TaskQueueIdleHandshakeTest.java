package io.jpool.jcstress.thread;

import io.jpool.internal.future.TaskFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The pool's no-lost-wake-up handshake over the array queue, as a worker does it: it looks with
 * {@code pollStored} (which never reads the submitters' index), and if that finds nothing it
 * says it is idle and then polls once more with {@code poll}. The submit offers (a release store
 * of the slot after its atomic claim) and then reads the idle flag. Either the worker takes the
 * task or the submit sees the worker idle (and would wake it); never neither. The drain after
 * both finds the task only if the worker did not take it.
 */
@JCStressTest
@Description("TaskQueue: offer(a); read idle | pollStored, else idle = 1; poll. (submit saw idle, worker took, drain)")
@Outcome(id = {"0, 1, 0", "1, 1, 0"}, expect = ACCEPTABLE, desc = "the worker took the task")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "the worker went idle first and the submit saw it")
@Outcome(expect = FORBIDDEN, desc = "a lost wake-up (neither saw the other), or the task lost or taken twice")
@State
public class TaskQueueIdleHandshakeTest extends TwoQueuedTasks {
    volatile int idle;

    @Actor
    public void submit(III_Result r) {
        queue.offer(a);
        r.r1 = idle;
    }

    @Actor
    public void worker(III_Result r) {
        TaskFuture<?> t = queue.pollStored();
        if (t == null) {
            idle = 1;
            t = queue.poll();
        }
        r.r2 = id(t);
    }

    @Arbiter
    public void drain(III_Result r) {
        r.r3 = id(queue.poll());
    }
}
