package io.jpool.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/** {@code addDoneCallback} races {@code cancel()} of a PENDING future. */
@JCStressTest
@Description("PENDING: addDoneCallback(cb) vs cancel(). cb runs exactly once and sees CANCELLED. "
        + "(calls, 1 if cb saw isCancelled())")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the callback ran once and saw the cancel")
@Outcome(expect = FORBIDDEN, desc = "lost, doubled, or early callback")
@State
public class CallbackVsCancelTest {
    private final Probe<Integer> f = new Probe<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int sawCancelled = -1;

    @Actor
    public void registrar() {
        f.addDoneCallback(x -> {
            calls.incrementAndGet();
            sawCancelled = x.isCancelled() ? 1 : 0;
        });
    }

    @Actor
    public void canceller() {
        f.cancel();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = calls.get();
        r.r2 = sawCancelled;
    }
}
