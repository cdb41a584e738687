package io.jpool.jcstress.canary;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * A deliberately racy test (two plain {@code x++}), run only by {@code run.sh canary}: it proves
 * the gate sees a forbidden outcome and exits non-zero. Excluded from the short and full modes.
 */
@JCStressTest
@Description("Canary: a lost update must make the gate fail.")
@Outcome(id = "2", expect = Expect.ACCEPTABLE, desc = "both increments seen")
@Outcome(expect = Expect.FORBIDDEN, desc = "lost update: the gate must fail")
@State
public class LostUpdateCanary {
    private int x;

    @Actor
    public void a() {
        x++;
    }

    @Actor
    public void b() {
        x++;
    }

    @Arbiter
    public void check(I_Result r) {
        r.r1 = x;
    }
}
