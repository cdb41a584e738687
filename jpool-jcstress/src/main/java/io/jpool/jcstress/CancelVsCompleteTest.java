package io.jpool.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/** Python's {@code cancel()} on a RUNNING task races its completion: it must always lose. */
@JCStressTest
@Description("RUNNING: complete(42) vs cancel(). A running task is never reported cancelled. "
        + "(complete, cancel, status, result)")
@Outcome(id = "1, 0, 2, 42", expect = ACCEPTABLE, desc = "the only outcome: completed, cancel() false")
@Outcome(expect = FORBIDDEN, desc = "a running task was cancelled, or the result was lost")
@State
public class CancelVsCompleteTest {
    private final Probe<Integer> f = Probe.started();

    @Actor
    public void worker(IIII_Result r) {
        r.r1 = f.complete(42) ? 1 : 0;
    }

    @Actor
    public void canceller(IIII_Result r) {
        r.r2 = f.cancel() ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r3 = f.code();
        r.r4 = f.isDone() && !f.isCancelled() ? f.resultNow() : -1;
    }
}
