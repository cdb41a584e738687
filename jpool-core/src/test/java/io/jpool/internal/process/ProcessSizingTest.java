package io.jpool.internal.process;

import io.jpool.AdaptiveStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adaptive process pool's policy on synthetic readings, with a fake clock: a simulated pool
 * runs as many busy workers as the target allows, each spending {@code share} of its busy time on
 * a CPU, and ticks the policy every 200 ms of fake time as {@link ProcessSizer} does.
 */
class ProcessSizingTest {
    private static final long TICK = 200_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final long MIB = 1L << 20;
    private static final int CPUS = 4;
    private static final long PLENTY = 64L << 30;

    /** Drives a policy through fake time; every worker the target allows is busy. */
    static final class Sim {
        final ProcessSizing p;
        long now = SECOND;
        long cpu;
        long busyTime;
        int workers;
        /** Available memory with no worker alive; each alive worker takes its RSS from it. */
        long available = PLENTY;
        long rss = 100 * MIB;
        double contention = 1.0;

        Sim(int min, int max) {
            p = new ProcessSizing(new ProcessSizing.Settings(min, max, CPUS, 60 * SECOND, SECOND, 256 * MIB));
            p.onTick(sample(0));
        }

        ProcessSizing.Sample sample(int busy) {
            return new ProcessSizing.Sample(now, cpu, busyTime, workers, busy, available - workers * rss, rss, contention);
        }

        /** Busy workers spending {@code share} of their time on a CPU, for {@code seconds}. */
        void run(double share, double seconds) {
            for (long end = now + (long) (seconds * SECOND); now < end; ) {
                while (p.mayStart(workers)) {
                    workers++;
                }
                now += TICK;
                busyTime += workers * TICK;
                cpu += (long) (workers * TICK * share);
                p.onTick(sample(workers));
            }
        }
    }

    @Test
    void startsAsOneWorkerPerCpuBeforeAnythingIsMeasured() {
        Sim s = new Sim(0, 16);
        assertThat(s.p.target()).isEqualTo(CPUS);
        assertThat(s.p.stats().reason()).contains("not measured yet");
        assertThat(s.p.stats().waitComputeRatio()).isNaN();
    }

    @Test
    void growsPastTheCpusForIoBoundWorkUpToMax() {
        Sim s = new Sim(0, 16);
        s.run(0.1, 3); // 10% on a CPU: cpus / 0.1 = 40 workers would keep the CPUs busy
        assertThat(s.p.target()).isEqualTo(16);
        assertThat(s.workers).isEqualTo(16);
        AdaptiveStats st = s.p.stats();
        assertThat(st.waitComputeRatio()).isCloseTo(9.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(st.reason()).contains("computed 10%").contains("-> 16");
    }

    @Test
    void followsTheGoetzEstimateBelowMax() {
        Sim s = new Sim(0, 64);
        s.run(0.5, 5); // half on a CPU: cpus x (1 + 1) = 8
        assertThat(s.p.target()).isEqualTo(8);
    }

    @Test
    void holdsAtTheCpuCountForCpuBoundWork() {
        Sim s = new Sim(0, 32);
        s.run(1.0, 10);
        assertThat(s.p.target()).isEqualTo(CPUS);
        assertThat(s.workers).isEqualTo(CPUS);
        assertThat(s.p.stats().changes()).isZero();
    }

    @Test
    void shrinksBackToTheCpusWhenTheWorkTurnsCpuBound() {
        Sim s = new Sim(0, 32);
        s.run(0.2, 3);
        assertThat(s.p.target()).isEqualTo(20);
        s.run(1.0, 5);
        assertThat(s.p.target()).isEqualTo(CPUS);
        // the 16 workers above it retire as soon as they are seen idle
        assertThat(s.p.retires(TICK, 20)).isTrue();
        assertThat(s.p.stats().reason()).contains("above the target " + CPUS);
    }

    @Test
    void timeWaitingForABusyCpuCountsAsComputing() {
        Sim s = new Sim(0, 32);
        s.contention = 5; // five runnable threads per CPU: CPU-bound tasks get a fifth of one
        s.run(0.2, 5);
        assertThat(s.p.target()).isEqualTo(CPUS);
        assertThat(s.workers).isEqualTo(CPUS);
        assertThat(s.p.stats().changes()).isZero();
    }

    @Test
    void tasksThatWaitStillGrowThePoolOnABusyMachine() {
        Sim s = new Sim(0, 32);
        s.contention = 5;
        s.run(0.02, 3); // 2% measured, 10% once the CPU queue is taken out: cpus / 0.1 = 40
        assertThat(s.p.target()).isEqualTo(32);
        assertThat(s.p.stats().reason()).contains("2% measured, CPUs 5.0x oversubscribed");
    }

    @Test
    void tooManyWorkersForCpuBoundWorkShrinkBackToTheCpus() {
        Sim s = new Sim(0, 32);
        s.run(0.1, 3);
        assertThat(s.p.target()).isEqualTo(32);
        // the work turns CPU-bound: 32 busy workers share 4 CPUs, each measures 1/8 of its time on one
        s.contention = 32.0 / CPUS;
        s.run(1.0 / 8, 5);
        assertThat(s.p.target()).isEqualTo(CPUS);
    }

    @Test
    void refusesToStartAWorkerTheMachineHasNoMemoryFor() {
        Sim s = new Sim(0, 16);
        s.available = 350 * MIB; // room for one more 100 MiB worker with a 2x margin, not two
        s.p.onTick(s.sample(0));
        assertThat(s.p.mayStart(0)).as("the first worker always starts").isTrue();
        assertThat(s.p.mayStart(1)).as("350 - 100 (started) >= 2 x 100").isTrue();
        assertThat(s.p.mayStart(2)).as("350 - 200 < 2 x 100").isFalse();
        assertThat(s.p.stats().reason()).contains("refused to start worker 3").contains("350 MiB available")
                .contains("100 MiB");
        // a new reading that shows the two started workers' memory gone keeps refusing
        s.available = 150 * MIB;
        s.p.onTick(s.sample(0));
        assertThat(s.p.mayStart(2)).isFalse();
        // memory freed: it may grow again
        s.available = PLENTY;
        s.p.onTick(s.sample(0));
        assertThat(s.p.mayStart(2)).isTrue();
    }

    @Test
    void startsNoSecondWorkerBeforeTheMachineWasRead() {
        ProcessSizing p = new ProcessSizing(new ProcessSizing.Settings(0, 8, CPUS, 60 * SECOND, SECOND, 256 * MIB));
        assertThat(p.mayStart(0)).isTrue();
        assertThat(p.mayStart(1)).isFalse();
        p.memoryReading(PLENTY, -1);
        assertThat(p.mayStart(1)).isTrue();
        // the pool went quiet: its readings are old by the time it wakes
        p.forgetMemoryReading();
        assertThat(p.mayStart(0)).isTrue();
        assertThat(p.mayStart(1)).isFalse();
    }

    @Test
    void capsTheTargetByMemoryForIoBoundWork() {
        Sim s = new Sim(0, 16);
        s.available = 1000 * MIB; // 100 MiB workers: the last to start must leave 200 MiB
        s.run(0.1, 5);
        assertThat(s.workers).isEqualTo(9);
        assertThat(s.p.target()).isEqualTo(9);
        assertThat(s.p.stats().reason()).contains("MiB available");
    }

    @Test
    void anIdleWorkerRetiresAfterTheIdleTimeoutDownToMin() {
        Sim s = new Sim(1, 8);
        assertThat(s.p.retires(59 * SECOND, 3)).isFalse();
        assertThat(s.p.retires(60 * SECOND, 3)).isTrue();
        assertThat(s.p.stats().reason()).contains("idle for 60000 ms");
        assertThat(s.p.retires(600 * SECOND, 1)).as("min 1 stays").isFalse();
        Sim none = new Sim(0, 8);
        assertThat(none.p.retires(60 * SECOND, 1)).as("min 0: the last one goes too").isTrue();
    }

    @Test
    void aWorkerSeenIdleForTheFirstTimeIsNotRetiredForBeingAboveTarget() {
        Sim s = new Sim(0, 2);
        assertThat(s.p.retires(0, 3)).isFalse();
    }

    @Test
    void littleBusyTimeIsNoMeasurement() {
        Sim s = new Sim(0, 16);
        s.now += 2 * SECOND;
        s.busyTime += SECOND / 20; // 5% of a window busy
        s.p.onTick(s.sample(0));
        assertThat(s.p.cpuShare()).isNaN();
        assertThat(s.p.target()).isEqualTo(CPUS);
    }

    @Test
    void badSettingsSayWhich() {
        assertThatThrownBy(() -> new ProcessSizing.Settings(3, 2, CPUS, SECOND, SECOND, MIB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min=3");
    }
}
