package io.jpool.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/** The completing write publishes the result object: a reader never sees it half-built. */
@JCStressTest
@Description("complete(box with plain fields) vs a reader. A reader that sees the future done sees the "
        + "box fully written, through get() and resultNow(). (get().x, resultNow().y; -1 = not done yet)")
@Outcome(id = "42, 7", expect = ACCEPTABLE, desc = "done: fully published value")
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "not done yet")
@Outcome(id = "42, -1", expect = ACCEPTABLE, desc = "impossible by program order, harmless")
@Outcome(id = "-1, 7", expect = ACCEPTABLE, desc = "done between the two reads")
@Outcome(expect = FORBIDDEN, desc = "a half-published value (0 seen)")
@State
public class GetSeesFinalValueTest {
    /** Plain, non-final fields: only the future's publication makes them visible. */
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
    public void reader(II_Result r) {
        try {
            r.r1 = f.isDone() ? f.get().x : -1;
        } catch (Exception e) {
            r.r1 = -2;
        }
        r.r2 = f.isDone() ? f.resultNow().y : -1;
    }
}
