package io.jpool.internal.process;

import io.jpool.internal.process.WorkerLink.State;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static io.jpool.internal.process.WorkerLink.State.BUSY;
import static io.jpool.internal.process.WorkerLink.State.CONNECTING;
import static io.jpool.internal.process.WorkerLink.State.DEAD;
import static io.jpool.internal.process.WorkerLink.State.IDLE;
import static io.jpool.internal.process.WorkerLink.State.INITIALISING;
import static io.jpool.internal.process.WorkerLink.State.RETIRING;
import static io.jpool.internal.process.WorkerLink.State.STARTING;
import static org.assertj.core.api.Assertions.assertThat;

/** A worker's states allow exactly the arrows of WorkerLink.State's picture, nothing else. */
class WorkerLinkStateTest {

    private static Set<State> next(State from) {
        Set<State> to = EnumSet.noneOf(State.class);
        for (State s : State.values()) {
            if (from.canBecome(s)) {
                to.add(s);
            }
        }
        return to;
    }

    @Test
    void eachStateHasItsArrowsOnly() {
        assertThat(next(STARTING)).containsExactlyInAnyOrder(CONNECTING, DEAD);
        assertThat(next(CONNECTING)).containsExactlyInAnyOrder(INITIALISING, IDLE, DEAD);
        assertThat(next(INITIALISING)).containsExactlyInAnyOrder(IDLE, DEAD);
        assertThat(next(IDLE)).containsExactlyInAnyOrder(BUSY, RETIRING, DEAD);
        assertThat(next(BUSY)).containsExactlyInAnyOrder(IDLE, RETIRING, DEAD);
        assertThat(next(RETIRING)).containsExactlyInAnyOrder(DEAD);
        assertThat(next(DEAD)).as("a dead worker never comes back").isEmpty();
    }
}
