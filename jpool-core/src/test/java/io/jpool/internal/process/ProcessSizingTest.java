package io.jpool.internal.process;

import io.jpool.AdaptiveStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adaptive process pool's policy on synthetic readings, with a fake clock: a simulated pool
 * runs as many busy workers as the target allows, each spending {@code share} of its busy time on
 * a CPU and ending tasks at the rate its {@link Sim#rate} gives, with tasks always queued, and
 * ticks the policy every 200 ms of fake time as {@link ProcessSizer} does.
 */
class ProcessSizingTest {
    private static final long TICK = 200_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final long MIB = 1L << 20;
    private static final int CPUS = 4;
    private static final long PLENTY = 64L << 30;
    /** -Dtrace=true prints each change of target with its reason (to see why a test failed). */
    private static final boolean TRACE = Boolean.getBoolean("trace");

    /** Drives a policy through fake time; every worker the target allows is busy. */
    static final class Sim {
        final ProcessSizing p;
        long now = SECOND;
        long cpu;
        long busyTime;
        double ended;
        long queued = 1000;
        int workers;
        /** Available memory with no worker alive; each alive worker takes its RSS from it. */
        long available = PLENTY;
        long rss = 100 * MIB;
        double contention = 1.0;
        /**
         * Tasks ended per second by this many workers running at full speed: 100 ms tasks unless
         * a test says otherwise. Workers beyond what the CPUs serve at the task's CPU share add
         * nothing.
         */
        DoubleUnaryOperator rate = w -> w * 10.0;
        /** Whether tasks need their CPU share to progress (not so for tasks that spin waiting). */
        boolean cpuLimited = true;
        /** The target at each tick, oldest first. */
        final List<Integer> targets = new ArrayList<>();
        long idleAboveTarget;
        /** Why the target changed, each time. */
        final List<String> reasons = new ArrayList<>();

        Sim(int min, int max) {
            p = new ProcessSizing(new ProcessSizing.Settings(min, max, CPUS, 60 * SECOND, SECOND, 256 * MIB));
            p.onTick(sample(0));
        }

        ProcessSizing.Sample sample(int busy) {
            return new ProcessSizing.Sample(now, (long) ended, cpu, busyTime, queued, workers, busy,
                    available - workers * rss, rss, contention);
        }

        /** Busy workers spending {@code share} of their time on a CPU, for {@code seconds}. */
        void run(double share, double seconds) {
            for (long end = now + (long) (seconds * SECOND); now < end; ) {
                while (p.mayStart(workers)) {
                    workers++;
                }
                // workers above the target wait idle (the pool gives them no task) and retire in time
                idleAboveTarget = workers > p.target() ? idleAboveTarget + TICK : 0;
                while (workers > p.target() && p.retires(idleAboveTarget, workers)) {
                    workers--;
                }
                int busy = Math.min(workers, p.target());
                now += TICK;
                busyTime += busy * TICK;
                cpu += (long) (busy * TICK * share);
                double onCpu = share * Math.max(1.0, contention); // measured share, less waiting for a CPU
                double served = onCpu > 0 && cpuLimited ? Math.min(busy, CPUS / onCpu) : busy;
                ended += rate.applyAsDouble(served) * TICK / SECOND;
                if (p.onTick(sample(busy))) {
                    reasons.add(p.reason());
                    if (TRACE) {
                        System.out.printf("t=%.1f w=%d -> %s%n", (now - SECOND) / 1e9, workers, p.reason());
                    }
                }
                targets.add(p.target());
            }
        }

        /** The target the policy held for most ticks of the last {@code seconds}. */
        int mostlyHeld(double seconds) {
            List<Integer> last = targets.subList(Math.max(0, targets.size() - (int) (seconds * SECOND / TICK)),
                    targets.size());
            return last.stream().collect(Collectors.groupingBy(t -> t, Collectors.counting())).entrySet().stream()
                    .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }

        int highest() {
            return targets.stream().mapToInt(Integer::intValue).max().orElse(p.target());
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
        s.run(0.1, 10); // 10% on a CPU: cpus x (1 + 9) = 40 workers would keep the CPUs busy
        assertThat(s.mostlyHeld(8)).isEqualTo(16);
        assertThat(s.highest()).isEqualTo(16);
        AdaptiveStats st = s.p.stats();
        assertThat(st.waitComputeRatio()).isCloseTo(9.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(st.changes()).isPositive();
    }

    @Test
    void followsTheGoetzEstimateBelowMax() {
        Sim s = new Sim(0, 64);
        s.run(0.5, 2); // half on a CPU: cpus x (1 + 1) = 8
        assertThat(s.p.target()).isEqualTo(8);
        assertThat(s.p.stats().reason()).startsWith("controller: estimate").contains("(target 4 -> 8)");
        s.run(0.5, 20); // more workers than the CPUs serve end no more tasks: the climb keeps 8
        assertThat(s.mostlyHeld(20)).isEqualTo(8);
        assertThat(s.highest()).isLessThanOrEqualTo(12);
    }

    @Test
    void holdsAtTheCpuCountForCpuBoundWork() {
        Sim s = new Sim(0, 32);
        s.run(1.0, 20);
        assertThat(s.mostlyHeld(20)).isEqualTo(CPUS);
        assertThat(s.highest()).isEqualTo(CPUS);
    }

    @Test
    void shrinksBackToTheCpusWhenTheWorkTurnsCpuBound() {
        Sim s = new Sim(0, 32);
        s.run(0.2, 2);
        assertThat(s.p.target()).isEqualTo(20);
        s.run(1.0, 10);
        assertThat(s.mostlyHeld(8)).isEqualTo(CPUS);
        assertThat(s.workers).isLessThanOrEqualTo(CPUS);
        // a worker above the target retires once idle for 3 windows, longer than a probe down
        int target = s.p.target();
        assertThat(s.p.retires(2 * SECOND, target + 1)).isFalse();
        assertThat(s.p.retires(3 * SECOND, target + 1)).isTrue();
        assertThat(s.p.stats().reason()).contains("above the target " + target);
    }

    @Test
    void timeWaitingForABusyCpuCountsAsComputing() {
        Sim s = new Sim(0, 32);
        s.contention = 5; // five runnable threads per CPU: CPU-bound tasks get a fifth of one
        s.run(0.2, 20);
        assertThat(s.mostlyHeld(20)).isEqualTo(CPUS);
        assertThat(s.highest()).isEqualTo(CPUS);
    }

    @Test
    void tasksThatWaitStillGrowThePoolOnABusyMachine() {
        Sim s = new Sim(0, 32);
        s.contention = 5;
        s.run(0.02, 2); // 2% measured, 10% once the CPU queue is taken out: cpus x (1 + 9) = 40
        assertThat(s.p.target()).isEqualTo(32);
        assertThat(s.p.stats().reason()).startsWith("controller: estimate");
    }

    @Test
    void tooManyWorkersForCpuBoundWorkShrinkBackToTheCpus() {
        Sim s = new Sim(0, 32);
        s.run(0.1, 2);
        assertThat(s.p.target()).isEqualTo(32);
        // the work turns CPU-bound: 32 busy workers share 4 CPUs, each measures 1/8 of its time on one
        s.contention = 32.0 / CPUS;
        s.run(1.0 / 8, 5);
        assertThat(s.p.target()).isEqualTo(CPUS);
    }

    @Test
    void starvingWorkGrowsThePoolPastTheEstimateWithinMax() {
        Sim s = new Sim(0, 16);
        // tasks that spin until 8 of them run at once: CPU-bound to the estimate (4), so only
        // the starvation rule can free them; once 8 run, each ends in 100 ms
        s.rate = w -> w >= 8 ? w * 10.0 : 0;
        s.cpuLimited = false;
        s.run(1.0, 0.8);
        assertThat(s.p.target()).as("nothing ended for less than the starvation time").isEqualTo(CPUS);
        s.run(1.0, 3);
        assertThat(s.highest()).isBetween(8, 16);
        assertThat(s.ended).as("the tasks ran").isPositive();
        assertThat(String.join("\n", s.reasons)).contains("starvation: 1000 tasks queued, all 4 workers busy");
        s.run(1.0, 30);
        assertThat(s.highest()).as("within max").isLessThanOrEqualTo(16);
    }

    @Test
    void theMemoryCapWinsOverStarvation() {
        Sim s = new Sim(0, 16);
        s.available = 600 * MIB; // 100 MiB workers, 2 x 100 MiB to spare: no more than 5
        s.rate = w -> w >= 8 ? w * 10.0 : 0; // they would need 8
        s.cpuLimited = false;
        s.run(1.0, 10);
        assertThat(s.highest()).isEqualTo(5);
        assertThat(s.ended).isZero();
        assertThat(s.reasons).anySatisfy(r -> assertThat(r).startsWith("memory: ").contains("no more than 5")
                .contains("the controller asks for").contains("starvation"));
    }

    @Test
    void aPoolWakingFromQuietDoesNotTakeTheQuietForStarvation() {
        Sim s = new Sim(0, 16);
        s.run(1.0, 3);
        s.p.wentQuiet(); // no worker, nothing queued: the ticker stops
        s.workers = 0;
        s.now += 60 * SECOND;
        s.rate = w -> 0; // a new burst of long tasks: none ends in its first half second
        s.run(1.0, 0.6);
        assertThat(s.highest()).isEqualTo(CPUS);
        assertThat(s.reasons).noneMatch(r -> r.contains("starvation"));
    }

    @Test
    void hillClimbingSettlesAtTheFewestWorkersThatKeepTheRateAtAPlateau() {
        Sim s = new Sim(0, 64);
        // I/O-bound tasks (estimate 40) against a downstream that serves 12 at once
        s.rate = w -> Math.min(w, 12) * 10.0;
        s.run(0.1, 2);
        assertThat(s.p.target()).isEqualTo(40);
        s.run(0.1, 60);
        assertThat(s.mostlyHeld(30)).isBetween(11, 15);
        assertThat(String.join("\n", s.reasons)).contains("fewer workers kept throughput");
    }

    @Test
    void refusesToStartAWorkerTheMachineHasNoMemoryFor() {
        Sim s = new Sim(0, 16);
        s.p.memoryReading(350 * MIB, 100 * MIB); // room for one more 100 MiB worker with a 2x margin, not two
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
        assertThat(s.p.stats().reason()).startsWith("memory: ").contains("room for the 4 workers the controller asks for")
                .contains("(target 1 -> 4)");
    }

    @Test
    void startsNoSecondWorkerBeforeTheMachineWasRead() {
        ProcessSizing p = new ProcessSizing(new ProcessSizing.Settings(0, 8, CPUS, 60 * SECOND, SECOND, 256 * MIB));
        assertThat(p.mayStart(0)).isTrue();
        assertThat(p.mayStart(1)).isFalse();
        p.memoryReading(PLENTY, -1);
        assertThat(p.mayStart(1)).isTrue();
        // the pool went quiet: its readings are old by the time it wakes
        p.wentQuiet();
        assertThat(p.mayStart(0)).isTrue();
        assertThat(p.mayStart(1)).isFalse();
    }

    @Test
    void capsTheTargetByMemoryForIoBoundWork() {
        Sim s = new Sim(0, 16);
        s.available = 1000 * MIB; // 100 MiB workers: the last to start must leave 200 MiB
        s.run(0.1, 10);
        assertThat(s.highest()).isEqualTo(9);
        assertThat(s.workers).isLessThanOrEqualTo(9);
        assertThat(s.reasons.get(0)).startsWith("memory: ").contains("600 MiB available").contains("no more than 9")
                .contains("the controller asks for 16: estimate");
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
        assertThat(s.p.waitComputeRatio()).isNaN();
        assertThat(s.p.target()).isEqualTo(CPUS);
    }

    @Test
    void badSettingsSayWhich() {
        assertThatThrownBy(() -> new ProcessSizing.Settings(3, 2, CPUS, SECOND, SECOND, MIB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min=3");
    }
}
