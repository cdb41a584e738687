package io.jpool.internal.util;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The one saturating conversion behind every deadline: no timeout, however large, wraps around. */
class DurationsTest {

    @Test
    void hugeTimeoutGivesAFarDeadlineNotAPastOne() {
        long left = Durations.deadline(Duration.ofSeconds(Long.MAX_VALUE)) - System.nanoTime();
        assertThat(left).isGreaterThan(Durations.MAX_WAIT_NANOS - Duration.ofMinutes(1).toNanos());
        left = Durations.deadlineAfterNanos(Long.MAX_VALUE) - System.nanoTime();
        assertThat(left).isGreaterThan(Durations.MAX_WAIT_NANOS - Duration.ofMinutes(1).toNanos());
    }

    @Test
    void hugeNegativeTimeoutGivesADeadlineAlreadyReached() {
        long deadline = Durations.deadline(Duration.ofSeconds(Long.MIN_VALUE));
        assertThat(deadline - System.nanoTime()).isLessThanOrEqualTo(0L);
        deadline = Durations.deadlineAfterNanos(Long.MIN_VALUE);
        assertThat(deadline - System.nanoTime()).isLessThanOrEqualTo(0L);
    }

    @Test
    void ordinaryTimeoutIsKeptExactly() {
        long before = System.nanoTime();
        long deadline = Durations.deadline(Duration.ofMillis(250));
        long after = System.nanoTime();
        assertThat(deadline - before).isGreaterThanOrEqualTo(Duration.ofMillis(250).toNanos());
        assertThat(deadline - after).isLessThanOrEqualTo(Duration.ofMillis(250).toNanos());
    }

    @Test
    void waitNanosIsClampedBetweenZeroAndTheLongestWait() {
        assertThat(Durations.waitNanos(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Durations.MAX_WAIT_NANOS);
        assertThat(Durations.waitNanos(Duration.ofNanos(Long.MAX_VALUE))).isEqualTo(Durations.MAX_WAIT_NANOS);
        assertThat(Durations.waitNanos(Duration.ofSeconds(-3))).isZero();
        assertThat(Durations.waitNanos(Duration.ofMillis(7))).isEqualTo(7_000_000L);
    }
}
