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

/** {@code cancel(true)} on a RUNNING task races the task finishing. */
@JCStressTest
@Description("RUNNING: complete(42) vs cancel(true). One wins; stopRunning() runs once iff cancel won; "
        + "onDone runs once. (complete, cancel, status, stops*10 + dones)")
@Outcome(id = "1, 0, 2, 1", expect = ACCEPTABLE, desc = "finished first: SUCCESS, nothing stopped")
@Outcome(id = "0, 1, 4, 11", expect = ACCEPTABLE, desc = "cancel first: CANCELLED, stopped once")
@Outcome(expect = FORBIDDEN, desc = "both or neither won, a stop without a cancel, or a double end")
@State
public class CancelInterruptVsCompleteTest {
    private final Probe<Integer> f = Probe.started();

    @Actor
    public void worker(IIII_Result r) {
        r.r1 = f.complete(42) ? 1 : 0;
    }

    @Actor
    public void canceller(IIII_Result r) {
        r.r2 = f.cancel(true) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r3 = f.code();
        r.r4 = f.stops.get() * 10 + f.dones.get();
    }
}
