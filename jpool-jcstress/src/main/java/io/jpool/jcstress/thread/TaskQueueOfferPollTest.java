package io.jpool.jcstress.thread;

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
 * The thread pool's array queue: two threads each offer a task and then poll. A poll that
 * follows its own thread's offer never finds the queue empty (an offer between its claim and its
 * store is waited for), each task comes out exactly once, and the drain afterwards finds nothing.
 * (1 = a, 2 = b, 0 = null.)
 */
@JCStressTest
@Description("TaskQueue: offer(a); poll | offer(b); poll, then two polls. (poll 1, poll 2, drain 1, drain 2)")
@Outcome(id = {"1, 2, 0, 0", "2, 1, 0, 0"}, expect = ACCEPTABLE, desc = "each poll took one task")
@Outcome(expect = FORBIDDEN, desc = "a poll saw an empty queue after its own offer, or a task lost or taken twice")
@State
public class TaskQueueOfferPollTest extends TwoQueuedTasks {
    @Actor
    public void first(IIII_Result r) {
        queue.offer(a);
        r.r1 = id(queue.poll());
    }

    @Actor
    public void second(IIII_Result r) {
        queue.offer(b);
        r.r2 = id(queue.poll());
    }

    @Arbiter
    public void drain(IIII_Result r) {
        r.r3 = id(queue.poll());
        r.r4 = id(queue.poll());
    }
}
