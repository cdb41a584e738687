package io.jpool.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.util.concurrent.ExecutionException;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/** A result races a failure (e.g. the task returns while its timeout fires). */
@JCStressTest
@Description("RUNNING: complete(42) vs fail(e). One wins and get() reports that one. "
        + "(complete, fail, status, get: 42 value / 3 the failure / -1 other)")
@Outcome(id = "1, 0, 2, 42", expect = ACCEPTABLE, desc = "complete won; get() returns 42")
@Outcome(id = "0, 1, 3, 3", expect = ACCEPTABLE, desc = "fail won; get() throws with that cause")
@Outcome(expect = FORBIDDEN, desc = "both or neither won, or get() disagrees with the winner")
@State
public class CompleteVsFailTest {
    private static final Exception BOOM = new Exception("boom");
    private final Probe<Integer> f = Probe.started();

    @Actor
    public void worker(IIII_Result r) {
        r.r1 = f.complete(42) ? 1 : 0;
    }

    @Actor
    public void timer(IIII_Result r) {
        r.r2 = f.fail(BOOM) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r3 = f.code();
        try {
            r.r4 = f.get();
        } catch (ExecutionException e) {
            r.r4 = e.getCause() == BOOM ? 3 : -1;
        } catch (Exception e) {
            r.r4 = -1;
        }
    }
}
