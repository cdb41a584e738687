package io.jpool.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/** A thread blocked in {@code get()} is always woken with the value (no lost wake-up). */
@JCStressTest
@Description("get() parks while complete(box) runs; it must return the published box. (x, y)")
@Outcome(id = "42, 7", expect = ACCEPTABLE, desc = "woken with the final value")
@Outcome(expect = FORBIDDEN, desc = "a half-published value or an exception")
@State
public class BlockingGetTest {
    static final class Box {
        int x;
        int y;
    }

    private final Probe<Box> f = Probe.started();

    @Actor
    public void worker() {
        Box b = new Box();
        b.x = 42;
        b.y = 7;
        f.complete(b);
    }

    @Actor
    public void waiter(II_Result r) {
        try {
            Box b = f.get();
            r.r1 = b.x;
            r.r2 = b.y;
        } catch (Exception e) {
            r.r1 = -1;
            r.r2 = -1;
        }
    }
}
