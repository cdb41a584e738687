package io.jpool.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/** {@code addDoneCallback} races {@code complete}: the callback runs exactly once, after the end. */
@JCStressTest
@Description("RUNNING: addDoneCallback(cb) vs complete(42). cb runs exactly once and sees the final "
        + "value. (calls, value seen by cb, 1 if cb saw isDone())")
@Outcome(id = "1, 42, 1", expect = ACCEPTABLE, desc = "the callback ran once, after completion")
@Outcome(expect = FORBIDDEN, desc = "lost, doubled, or early callback")
@State
public class CallbackVsCompleteTest {
    private final Probe<Integer> f = Probe.started();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int seen = -1;
    private volatile int sawDone = -1;

    @Actor
    public void registrar() {
        f.addDoneCallback(x -> {
            calls.incrementAndGet();
            sawDone = x.isDone() ? 1 : 0;
            seen = x.resultNow();
        });
    }

    @Actor
    public void worker() {
        f.complete(42);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = calls.get();
        r.r2 = seen;
        r.r3 = sawDone;
    }
}
