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
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two callbacks registered while the future completes. Each runs exactly once; registration order
 * holds for callbacks registered on the same side of completion. A callback added just after the
 * end runs at once in the caller, possibly while the completing thread is still running the
 * earlier one (Python's {@code add_done_callback} behaves the same way).
 */
@JCStressTest
@Description("RUNNING: addDoneCallback(A); addDoneCallback(B) vs complete(42). (A's turn, B's turn)")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "A then B, each once")
@Outcome(id = "2, 1", expect = ACCEPTABLE_INTERESTING,
        desc = "A registered before the end (run by the completer), B after (run at once by the registrar), B first")
@Outcome(expect = FORBIDDEN, desc = "a callback lost or run twice")
@State
public class CallbackOrderTest {
    private final Probe<Integer> f = Probe.started();
    private final AtomicInteger turn = new AtomicInteger();
    private volatile int a = -1;
    private volatile int b = -1;

    @Actor
    public void registrar() {
        f.addDoneCallback(x -> a = a == -1 ? turn.incrementAndGet() : 99);
        f.addDoneCallback(x -> b = b == -1 ? turn.incrementAndGet() : 99);
    }

    @Actor
    public void worker() {
        f.complete(42);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = a;
        r.r2 = b;
    }
}
