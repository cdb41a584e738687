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

/** A worker's {@code tryStart()} races Python's {@code cancel()} on a PENDING future. */
@JCStressTest
@Description("PENDING: tryStart() vs cancel(). Exactly one wins; a cancelled task never starts; "
        + "onDone runs once. (start, cancel, status, onDone calls)")
@Outcome(id = "1, 0, 1, 0", expect = ACCEPTABLE, desc = "start won: the task runs, cancel() says false")
@Outcome(id = "0, 1, 4, 1", expect = ACCEPTABLE, desc = "cancel won: the task never runs")
@Outcome(expect = FORBIDDEN, desc = "both or neither won, or the status disagrees")
@State
public class CancelVsStartTest {
    private final Probe<Integer> f = new Probe<>();

    @Actor
    public void worker(IIII_Result r) {
        r.r1 = f.tryStart() ? 1 : 0;
    }

    @Actor
    public void canceller(IIII_Result r) {
        r.r2 = f.cancel() ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r3 = f.code();
        r.r4 = f.dones.get();
    }
}
