package io.jpool.jcstress.thread;

import io.jpool.internal.thread.JcstressAccess;
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
 * The thread pool's exit guard (the one non-daemon thread that keeps the JVM alive while work is
 * unfinished) against a submit, at the moment the guard found the pool quiet and is about to
 * exit. The submit queues its task and then claims the guard's flag (if it wins, it starts a new
 * guard); the guard clears the flag and then looks at the queue. A task must never be left queued
 * with no guard: either the old guard stays, or the submit starts a new one, never neither (and
 * never both).
 */
@JCStressTest
@Description("ExitGuard: offer(a); claimForQueuedWork | releaseUnlessWorkCame. (submit starts a guard, guard exits, queued)")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the guard saw the task and stays")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "the guard exited and the submit starts a new one")
@Outcome(expect = FORBIDDEN, desc = "the task is queued with no guard, or two guards run")
@State
public class ExitGuardHandshakeTest extends TwoQueuedTasks {
    private final JcstressAccess.Guard guard = new JcstressAccess.Guard("jcstress-exit-guard", queue::isEmpty);

    public ExitGuardHandshakeTest() {
        guard.markRunning();
    }

    @Actor
    public void submit(III_Result r) {
        queue.offer(a);
        r.r1 = guard.claimForQueuedWork() ? 1 : 0;
    }

    @Actor
    public void guard(III_Result r) {
        r.r2 = guard.releaseUnlessWorkCame() ? 1 : 0;
    }

    @Arbiter
    public void queued(III_Result r) {
        r.r3 = id(queue.poll());
    }
}
