package io.jpool.internal.process;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When failed worker starts break a pool: the policy alone, without starting a JVM. */
class StartFailuresTest {

    @Test
    void threeFailedStartsInARowBreakThePoolWithTheLastOnesMessage() {
        StartFailures f = new StartFailures();
        assertThat(f.failed(false, false, "bad option 1")).isNull();
        assertThat(f.failed(false, false, "bad option 2")).isNull();
        assertThat(f.failed(false, false, "bad option 3")).isEqualTo("bad option 3");
    }

    @Test
    void aStartInBetweenEndsTheStreak() {
        StartFailures f = new StartFailures();
        f.failed(false, false, "1");
        f.failed(false, false, "2");
        f.started();
        assertThat(f.failed(false, false, "3")).isNull();
        assertThat(f.failed(false, false, "4")).isNull();
    }

    @Test
    void workersKilledWhileTheyStartAreReplacedAndDoNotCountAsFailedStarts() {
        StartFailures f = new StartFailures();
        for (int i = 0; i < 10; i++) {
            assertThat(f.failed(true, false, "killed")).as("killed start %d", i).isNull();
        }
        assertThat(f.failed(false, false, "bad option")).as("the first failed start of its own").isNull();
    }

    @Test
    void aFailedInitializerBreaksThePoolAtOnce() {
        assertThat(new StartFailures().failed(false, true, "initializer failed")).isEqualTo("initializer failed");
    }
}
