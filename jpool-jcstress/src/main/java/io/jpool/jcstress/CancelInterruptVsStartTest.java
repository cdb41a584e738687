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

/** A worker's {@code tryStart()} races {@code cancel(true)} on a PENDING future. */
@JCStressTest
@Description("PENDING: tryStart() vs cancel(true). cancel(true) always wins; stopRunning() is called "
        + "once exactly when the task had started. (start, cancel, status, stopRunning calls)")
@Outcome(id = "0, 1, 4, 0", expect = ACCEPTABLE, desc = "cancelled while pending: never started, nothing to stop")
@Outcome(id = "1, 1, 4, 1", expect = ACCEPTABLE, desc = "started, then cancelled while running: stopped once")
@Outcome(expect = FORBIDDEN, desc = "a started task not stopped, a pending one 'stopped', or a lost cancel")
@State
public class CancelInterruptVsStartTest {
    private final Probe<Integer> f = new Probe<>();

    @Actor
    public void worker(IIII_Result r) {
        r.r1 = f.tryStart() ? 1 : 0;
    }

    @Actor
    public void canceller(IIII_Result r) {
        r.r2 = f.cancel(true) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r3 = f.code();
        r.r4 = f.stops.get();
    }
}
