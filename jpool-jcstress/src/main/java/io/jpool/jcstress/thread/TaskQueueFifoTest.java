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
 * The thread pool's array queue: one thread offers a then b while another polls twice. The
 * poller sees them in that order (b never before a), and whatever it missed the drain finds.
 * (1 = a, 2 = b, 0 = null.)
 */
@JCStressTest
@Description("TaskQueue: offer(a); offer(b) | poll; poll, then two polls. (poll 1, poll 2, drain 1, drain 2)")
@Outcome(id = "1, 2, 0, 0", expect = ACCEPTABLE, desc = "the poller took both, in order")
@Outcome(id = {"1, 0, 2, 0", "0, 1, 2, 0"}, expect = ACCEPTABLE, desc = "the poller took a, the drain b")
@Outcome(id = "0, 0, 1, 2", expect = ACCEPTABLE, desc = "the poller came first")
@Outcome(expect = FORBIDDEN, desc = "out of order, lost, taken twice, or found after an empty poll of the drain")
@State
public class TaskQueueFifoTest extends TwoQueuedTasks {
    @Actor
    public void offerer() {
        queue.offer(a);
        queue.offer(b);
    }

    @Actor
    public void poller(IIII_Result r) {
        r.r1 = id(queue.poll());
        r.r2 = id(queue.poll());
    }

    @Arbiter
    public void drain(IIII_Result r) {
        r.r3 = id(queue.poll());
        r.r4 = id(queue.poll());
    }
}
