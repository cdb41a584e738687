package io.jpool.internal.adaptive;

import io.jpool.AdaptiveStats;

/**
 * Decides how many workers an adaptive pool should run. Pure logic: it sees only the samples it
 * is given ({@link #onTick}), with their clock, so tests drive it with a fake clock and a
 * synthetic workload.
 *
 * <h2>How it works</h2>
 * Samples arrive every tick (about 100 ms); they are summed over windows (about 500 ms), and
 * every decision but the first three is taken at the end of a window, in this order:
 * <ol>
 *   <li><b>Starvation</b> (every tick): tasks queued, every worker busy, and no task ended for
 *       {@code starvationNanos}: double the workers, up to max, and again every
 *       {@code starvationRepeatNanos} while nothing ends. This frees tasks that wait for each
 *       other, whatever the estimate says.</li>
 *   <li><b>The work changed</b> (every tick, thread pools: {@link Settings#followTicks()}): a
 *       tick's own ratio above 10 for three ticks in a row, with tasks queued, where the smoothed
 *       one said CPU-bound (a wait that grows tenfold in I/O-bound work is a downstream that slows
 *       or queues, for the windows to judge), or 10 times below it for two: the target goes straight to the new
 *       work's estimate, as after a window of new work, without waiting for the window's end
 *       (up to a window after the change) and whatever probe is under way. Not right after a
 *       fall for rises (the tasks that end then ran on the crowded CPUs of before, whose pauses
 *       look like waiting), nor right after a rise for falls (new workers' first tasks run
 *       cold); a rise needs a third tick because a pause of the whole JVM stretches every task
 *       of one or two as a wait would.</li>
 *   <li><b>Cutting for the CPUs goes on</b> (every tick, thread pools): in the window after a cut
 *       because the work turned CPU-bound or oversubscribed the CPUs (each cut starts one), two
 *       ticks (leaving out the one right after the cut, whose tasks ran before it) that still
 *       show tasks waiting for a CPU a third of their time, and computing more than they wait or
 *       waiting for a CPU 60% of it, cut again to the busy workers times the share not spent waiting for a CPU, if that is a
 *       quarter fewer. From hundreds of workers the cut takes a few steps: the JVM's pauses grow
 *       with the runnable threads and count as wait, so each step sees the next one's share only
 *       once its workers have gone, and a window per step would add up to seconds.</li>
 *   <li><b>Load fell</b>: nothing queued during a whole window and fewer workers busy than the
 *       target: the target drops to the most that were busy (at least min).</li>
 *   <li><b>Estimate</b> (Goetz): {@code cpus x (1 + wait/compute)}, from the tasks' sampled CPU
 *       and wall time, less the time they waited for a CPU (the scheduler's count, or else
 *       an estimate from the machine's load); the ratio is smoothed over windows, except that
 *       a window 4 times off is taken as it is (new work).
 *       Taken as the target when first measured with work to do (at the first tick with enough
 *       sampled, not waiting for the window's end), again after the load fell
 *       and work came back, when the ratio rises far above the highest seen since (the
 *       work turned I/O-bound; from work that was not CPU-bound, only while no queueing was
 *       seen, below; never in the window right after a change), and, outside probes, when it
 *       (smoothed, or the window's own) doubled since the estimate was taken and tasks do not queue (code warming up computes
 *       less per task as it goes; not once queueing was seen, a probe down was kept or the work
 *       was found CPU-bound: a ratio that grows as tasks queue downstream says nothing of the
 *       workers needed). Between those, the estimate
 *       is not followed: with more busy threads than CPUs, CPU-bound tasks wait for a CPU, which
 *       inflates the ratio and would make the estimate chase the pool's own size.</li>
 *   <li><b>CPUs oversubscribed</b>: the sampled tasks waited for a CPU a third of their time
 *       or more (the scheduler's count), above #CPU workers: the target drops to the busy workers
 *       times the share of time not spent waiting for a CPU, at least halving, not below #CPU.
 *       For work that is not CPU-bound (it also waits, and may need a queue of runnable threads
 *       to keep the CPUs busy between its waits), waiting 60% to 80% of the time for a
 *       CPU, in a window whose ratio did not fall 4-fold, the cut is a probe down, judged as one and taken
 *       once per work, to no fewer than the estimate, not while it settles and not in a probe
 *       up (whose own judgement takes the pool back if the rate did not rise); if the work changes under it (turns CPU-bound, or a window 4 times off)
 *       the cut stays, and no estimate jump follows in that window.</li>
 *   <li><b>CPU-bound</b>: tasks compute more than they wait (ratio below 1) and the target is
 *       above the estimate: the target drops to the estimate.</li>
 *   <li><b>Queueing</b>: the time per task (busy workers / completion rate, Little's law, less
 *       the sampled share spent waiting for a CPU) is more than 4 times the shortest seen since
 *       the work last changed, the work is not CPU-bound, and a whole window ran at this target:
 *       the tasks wait in a queue outside the pool (a downstream's own limit) and more workers
 *       only lengthen it. The target drops to rate x shortest time per task, with a fifth more as
 *       headroom, if that is at most three quarters of it; once per work, as a probe down (judged
 *       as below), so a queue that fewer workers do not shorten (a saturated machine) costs one
 *       window.</li>
 *   <li><b>Hill climbing</b> on the completion rate: measure a window at the target, then probe
 *       a quarter more or fewer workers for a window (half more after a kept step up); after the
 *       window at an estimate, a probe half above follows at once if tasks queue and the work waits (the
 *       estimate assumes tasks that come evenly: work that also computes does best above it;
 *       thread pools only, see {@link Settings#probeAboveEstimate()}). A probe
 *       up is kept only if the rate rose by more than {@code margin}; a probe down is kept unless the rate fell by more than margin
 *       (two margins for the queueing rule's measured step) from the rate before the first step down: so the pool settles at the fewest workers that
 *       give (nearly) the best rate. Going up is tried only with tasks queued and work that is not
 *       CPU-bound; going below the CPU count only with work that is not CPU-bound. After a rejected
 *       probe either way the target holds for a few windows, and later probes take an eighth (the
 *       target is near its best; new work forgets it). Probes down are bounded: none for two
 *       seconds after an estimate for new work (a window's ratio wavers; the jump to the estimate
 *       is the re-convergence), and none below the estimate while the work is I/O-bound, its ratio
 *       still that of the estimate, and neither queueing nor a fall for the CPUs was seen: each
 *       worker then carries its share of the rate, and the queueing rule, not a probe, finds a
 *       downstream's limit.</li>
 * </ol>
 * Every change records a reason in words. Not thread-safe: a tick works on a {@link #copy()},
 * which replaces the controller once it is done (see {@link AdaptiveSizing}); {@link #stats()}
 * may be read from any thread.
 */
public final class AdaptiveController implements Cloneable {
    /** Wait/compute below this: the work is CPU-bound. */
    static final double CPU_BOUND_RATIO = 1.0;
    /** A new estimate is taken when the ratio grows past this factor of the one last used. */
    private static final double RATIO_JUMP = 4.0;
    /** A new estimate is taken when the ratio doubled since the last one (work that warmed up). */
    private static final double RATIO_RISE = 2.0;
    /** Tasks taking this many times their shortest time: they queue for something outside the pool. */
    private static final double QUEUEING = 4.0;
    /** Workers kept above what Little's law says the rate needs, after queueing was seen. */
    private static final double QUEUEING_HEADROOM = 1.2;
    /**
     * How many margins of throughput the queueing rule's step may cost before it is undone. The
     * step comes from a measurement (Little's law), not a blind probe, and its first window
     * carries the change's own noise: one margin undid it at a 6% dip on a real downstream, and
     * the pool went back to 492 workers for 16 handlers. A queue that was the machine's CPUs
     * costs far more (a third and up), and is still undone.
     */
    private static final double QUEUEING_MARGINS = 2.0;
    /** Sampled tasks waiting for a CPU this share of their time: the pool oversubscribes the CPUs. */
    private static final double CPU_STARVED_SHARE = 1.0 / 3;
    /**
     * Sampled tasks waiting for a CPU this share of their time: cut, whatever the ratio says (mixed
     * work of 1 ms CPU and 20 ms waits on 2 CPUs does best with its tasks waiting ~40% of their
     * time, 7% less at ~70%; the smoothed ratio lags work that just turned CPU-bound).
     */
    private static final double CPU_STARVED_HARD_SHARE = 0.8;
    /**
     * Sampled tasks of work that also waits (not CPU-bound) waiting for a CPU this share of their
     * time: the cut for the CPUs is tried, as a probe. Not at a third: such work does best with a
     * queue of runnable threads (above), and a cut there costs a window at the estimate's rate.
     */
    private static final double CPU_STARVED_PROBE_SHARE = 0.6;
    /** Sampled wall time that is enough for a first estimate before the first window ends. */
    private static final long FIRST_ESTIMATE_WALL_NANOS = 20_000_000L;
    /** Windows to hold after a probe up and down were both rejected. */
    private static final int HOLD_WINDOWS = 4;
    /** Windows after an estimate for new work without probes down: a window's ratio wavers. */
    private static final int SETTLE_WINDOWS = 4;
    /** Probe step, as a divisor of the target, once a probe either side was rejected. */
    private static final int NEAR_GOOD_STEP = 8;
    /** A tick's ratio this many times off the smoothed one is a drastic change of the work. */
    private static final double SHIFT = 10;
    /**
     * Ticks in a row that must show a drastic rise: a pause of the whole JVM (a collection, a
     * safepoint) stretches the tasks of a tick or two as a wait would; it does not last three.
     */
    private static final int RISE_TICKS = 3;
    /** Ticks in a row that must show a drastic fall (a pause never makes tasks wait less). */
    private static final int FALL_TICKS = 2;
    /** Fewest tasks ended in a tick for its ratio to count. */
    private static final int MIN_TICK_TASKS = 4;

    /**
     * Where the climb is. UNMEASURED: the first window at a new target, which gives the rate to
     * judge by. ESTIMATED: the same, at an estimate for new work (or a rise of it), after which a
     * probe up follows at once. CPU_CUT: the same, after a cut because the work turned CPU-bound or
     * oversubscribed the CPUs, during which the ticks may cut again. HOLD: at a kept target.
     * PROBE_UP/PROBE_DOWN: a window at a step, judged at its end. CPU_PROBE: a probe down for the
     * CPUs (work that also waits): if it loses throughput, the CPUs were not the limit; if the
     * work changed under it, the cut stays.
     */
    private enum Phase {
        UNMEASURED, ESTIMATED, CPU_CUT, HOLD, PROBE_UP, PROBE_DOWN, CPU_PROBE;

        boolean measuring() {
            return this == UNMEASURED || this == ESTIMATED || this == CPU_CUT;
        }

        boolean probing() {
            return this == PROBE_UP || this == PROBE_DOWN || this == CPU_PROBE;
        }
    }

    private final Settings settings;
    private int target;
    private volatile AdaptiveStats stats;
    private long changes;
    private String reason;

    private Phase phase = Phase.UNMEASURED;
    private double ratio = Double.NaN;
    private double ratioOfEstimate = Double.NaN;
    /** The ratio when the last estimate was taken (ratioOfEstimate climbs with later windows). */
    private double ratioAtEstimate = Double.NaN;
    /** Shortest time a task took (busy workers / rate, Little's law) since the work last changed. */
    private double minTaskNanos = Double.NaN;
    /**
     * Queueing outside the pool was seen, or hill climbing found fewer workers than the estimate
     * as good: the estimate says too many for this work and is not followed upward again until
     * the work changes (its ratio also grows as tasks queue downstream).
     */
    private boolean queueingSeen;
    /** The target last fell because the work was CPU-bound or oversubscribed the CPUs. */
    private boolean cpuLimited;
    /** The queueing rule's step was taken since the work last changed: it is taken once. */
    private boolean queueingTried;
    /** The window being judged is the queueing rule's step down ({@link #QUEUEING_MARGINS}). */
    private boolean judgingQueueingStep;
    /** The rate the last probe is judged against (NaN: measure one at the target first). */
    private double baseRate = Double.NaN;
    private boolean nextProbeUp = true;
    private int rejectedInARow;
    /** Steps up kept in a row. */
    private int keptUps;
    private int holdWindows;
    /** No probe down before this time: the estimate for new work settles first. */
    private long settleUntilNanos = Long.MIN_VALUE;
    /** A probe from this target was rejected: it is near the best, later probes take small steps. */
    private boolean nearGood;
    /** The oversubscription rule's probe for work that also waits was taken since the work last changed. */
    private boolean oversubscribedTried;
    /** The direction (1 up, -1 down, 0 none) of the drastic change the last ticks showed. */
    private int shiftSign;
    /** Ticks in a row that showed it. */
    private int shiftTicks;
    /** When the target last rose and fell (a tick's evidence right after either is not trusted). */
    private long lastRiseNanos;
    private long lastFallNanos;
    /** Ticks since the target last changed. */
    private int ticksSinceChange;
    /** The window just ended had a ratio 4 times off the smoothed one: new work. */
    private boolean newWorkInWindow;
    /** ...and its ratio was 4 times below: the work now waits less (it may have turned CPU-bound). */
    private boolean ratioFellInWindow;

    private AdaptiveSample last;
    /** The sample of the tick before {@link #last}. */
    private AdaptiveSample beforeLast;
    private AdaptiveSample windowStart;
    private long lastProgressNanos;
    private boolean queuedInWindow;
    private int peakBusy;
    private long busySum;
    private int busyTicks;

    /**
     * The controller's tuning.
     *
     * @param min                   fewest workers, at least 1
     * @param max                   most workers, at least min
     * @param cpus                  CPUs of the machine
     * @param windowNanos           how long each measurement window lasts
     * @param starvationNanos       no task ended for this long, with tasks queued: starvation
     * @param starvationRepeatNanos while starving, add workers again this often
     * @param margin                relative change of rate below which a probe counts as noise
     * @param probeAboveEstimate    probe up right after the window at an estimate (threads: cheap to
     *                              start, and mixed work does best above it); false for workers
     *                              that cost a process each, which climb from a held estimate
     * @param followTicks           act between windows on what single ticks show: a drastic, sustained
     *                              change of the ratio, and further cuts while the CPUs stay
     *                              oversubscribed (threads, whose ticks are short and many tasks)
     */
    public record Settings(int min, int max, int cpus, long windowNanos, long starvationNanos,
                           long starvationRepeatNanos, double margin, boolean probeAboveEstimate,
                           boolean followTicks) {
        public Settings {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("adaptive bounds must satisfy 1 <= min <= max, got min=" + min
                        + ", max=" + max);
            }
            if (cpus < 1 || windowNanos <= 0 || starvationNanos <= 0 || starvationRepeatNanos <= 0
                    || !(margin >= 0 && margin < 1)) {
                throw new IllegalArgumentException("bad adaptive settings: " + cpus + " cpus, window "
                        + windowNanos + " ns, starvation " + starvationNanos + "/" + starvationRepeatNanos
                        + " ns, margin " + margin);
            }
        }

        /** Settings without the probe up right after an estimate, deciding at the ends of windows only. */
        public Settings(int min, int max, int cpus, long windowNanos, long starvationNanos,
                        long starvationRepeatNanos, double margin) {
            this(min, max, cpus, windowNanos, starvationNanos, starvationRepeatNanos, margin, false, false);
        }

        /**
         * A thread pool's settings: 500 ms windows, 500 ms to starvation, then every 100 ms, 5%
         * margin, a probe up right after an estimate, and the rules that follow single ticks.
         */
        public static Settings of(int min, int max, int cpus) {
            return new Settings(min, max, cpus, 500_000_000L, 500_000_000L, 100_000_000L, 0.05, true, true);
        }
    }

    public AdaptiveController(Settings settings) {
        this.settings = settings;
        this.target = clamp(settings.cpus());
        this.reason = "initial: " + settings.cpus() + " CPUs, clamped to [" + settings.min() + ", "
                + settings.max() + "]; nothing measured yet";
        publish();
    }

    /**
     * An independent copy of this controller's state (every field is a value or immutable), for a
     * tick to work on and publish only if no other tick was published meanwhile (see
     * {@link AdaptiveSizing}).
     */
    public AdaptiveController copy() {
        try {
            return (AdaptiveController) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e); // Cloneable
        }
    }

    /** The number of workers to aim at now. */
    public int target() {
        return target;
    }

    /** The last published snapshot; safe to read from any thread. */
    public AdaptiveStats stats() {
        return stats;
    }

    /**
     * Takes one tick's sample; returns true if the target changed (then {@link #stats()} says
     * why). Samples must come in clock order.
     */
    public boolean onTick(AdaptiveSample s) {
        if (last == null) {
            last = s;
            lastProgressNanos = s.nanoTime();
            lastRiseNanos = s.nanoTime() - settings.windowNanos();
            lastFallNanos = lastRiseNanos;
            startWindow(s);
            return false;
        }
        if (s.completed() != last.completed()) {
            lastProgressNanos = s.nanoTime();
        }
        AdaptiveSample prev = last;
        AdaptiveSample prev2 = beforeLast;
        beforeLast = last;
        last = s;
        ticksSinceChange++;
        queuedInWindow |= s.queued() > 0;
        peakBusy = Math.max(peakBusy, s.busy());
        busySum += s.busy();
        busyTicks++;
        long stalled = s.nanoTime() - lastProgressNanos;
        if (s.queued() > 0 && s.busy() >= target && target < settings.max() && stalled >= settings.starvationNanos()) {
            // next add after starvationRepeatNanos more without progress
            lastProgressNanos = s.nanoTime() - settings.starvationNanos() + settings.starvationRepeatNanos();
            // doubling: tasks that need N workers at once get them in log2(N) steps, within 1 s for N up to
            // 16 times the start; the surplus goes when the load falls
            return change(target * 2, Phase.UNMEASURED, s, "starvation: " + s.queued()
                    + " tasks queued, all " + s.busy() + " workers busy and no task ended for "
                    + stalled / 1_000_000 + " ms");
        }
        if (settings.followTicks() && followTick(prev2, prev, s)) {
            return true;
        }
        if (s.nanoTime() - windowStart.nanoTime() < settings.windowNanos() && !firstEstimateReady(s)) {
            return false;
        }
        return endWindow(s);
    }

    /**
     * The rules that need no window's end (thread pools): a drastic change of the ratio that lasts
     * a few ticks takes the target straight to the new estimate, and while a cut for the CPUs is
     * under way, every two ticks that still show tasks waiting for a CPU cut again. A window's end
     * is up to a window after the work changed, and a cut for the CPUs from hundreds of workers
     * takes a few steps: the JVM pauses that hundreds of runnable threads cause count as wait, so
     * each step sees the next one's share only once its workers have gone.
     */
    private boolean followTick(AdaptiveSample prev2, AdaptiveSample prev, AdaptiveSample s) {
        double tickRatio = ratioBetween(prev, s);
        int sign = drasticChange(tickRatio, s);
        shiftTicks = sign == 0 ? 0 : sign == shiftSign ? shiftTicks + 1 : 1;
        shiftSign = sign;
        if (crowdedTick(prev, s)) {
            return true;
        }
        if (sign != 0 && shiftTicks >= (sign > 0 ? RISE_TICKS : FALL_TICKS)) {
            shiftTicks = 0;
            if (shift(sign, tickRatio, s)) {
                return true;
            }
        }
        // two ticks that leave out the one right after the cut (its tasks ran before it)
        return phase == Phase.CPU_CUT && ticksSinceChange >= 3 && prev2 != null && cutAgain(prev2, prev, s);
    }

    /**
     * 1 if this tick's ratio is above 10 where the smoothed one said CPU-bound, -1 if 10 times
     * below, else 0. Not before a ratio was measured, nor right after a change that makes the
     * tick's tasks unlike the work's: the tasks that end in the window after a fall ran on the
     * crowded CPUs of before, whose pauses look like waiting; the first tasks of new workers
     * run cold and compute more.
     */
    private int drasticChange(double tickRatio, AdaptiveSample s) {
        if (Double.isNaN(tickRatio) || Double.isNaN(ratio)) {
            return 0;
        }
        // a rise counts only from CPU-bound work (compute at least the wait): a wait that grows
        // tenfold in I/O-bound work is a downstream that slows or queues (often under this pool's
        // own workers), not new work, and jumping to its estimate would pile threads on it
        if (ratio <= CPU_BOUND_RATIO && tickRatio > SHIFT * CPU_BOUND_RATIO
                && s.nanoTime() - lastFallNanos >= settings.windowNanos()) {
            return 1;
        }
        if (tickRatio * SHIFT < ratio && s.nanoTime() - lastRiseNanos >= settings.windowNanos() / 2) {
            return -1;
        }
        return 0;
    }

    /** The work changed drastically: the target goes straight to the new work's estimate. */
    private boolean shift(int sign, double tickRatio, AdaptiveSample s) {
        int to = estimate(tickRatio);
        if (sign > 0 ? to <= target || s.queued() == 0 : to >= target) {
            return false;
        }
        String why = "estimate: " + settings.cpus() + " CPUs x (1 + wait/compute " + fmt(tickRatio) + ")"
                + (to == settings.max() || to == settings.min() ? ", clamped" : "") + "; the work changed: "
                + (sign > 0 ? RISE_TICKS : FALL_TICKS) + " ticks in a row 10 times " + (sign > 0 ? "above" : "below")
                + " the ratio of before (" + fmt(ratio) + ")";
        forgetTaskTimes();
        oversubscribedTried = false;
        cpuLimited = sign < 0; // as after a cut for the CPUs: a ratio that grows back is new work, not queueing
        ratio = tickRatio;
        ratioOfEstimate = tickRatio;
        ratioAtEstimate = tickRatio;
        settle(s);
        // a fall is a cut for the CPUs: the ratio of tasks that crowd them counts the JVM's pauses
        // as wait, so the cut may go on; and no probe up follows the window after it, whose ratio
        // still has the old work's last tasks in it
        return change(to, sign < 0 ? Phase.CPU_CUT : Phase.ESTIMATED, s, why);
    }

    /**
     * The tasks that ended in the last tick waited for a CPU 80% of their time or more (no work
     * that also waits gains from such a run queue), or most of them did, each (the few long tasks
     * of the work of before, waiting on a server the crowded CPUs starve, outweigh them in the
     * sums), with more workers than CPUs: the target drops at once to the busy workers times the
     * share not spent waiting for a CPU (of those tasks; at least #CPU), if that is a quarter
     * fewer, wherever the window stands and whatever the ratio says. Ticks come late then (the
     * JVM's pauses under hundreds of runnable threads stop the ticker too), and those pauses count
     * as wait, so the ratio may not fall tenfold: a window's end, or two ticks of evidence, cost
     * seconds. The ticks that follow cut again while the share stays. The sums count only where
     * the sampled tasks cover the CPUs for the tick (a few tasks say little).
     */
    private boolean crowdedTick(AdaptiveSample prev, AdaptiveSample s) {
        if (s.sampledRunQueueNanos() < 0 || prev.sampledRunQueueNanos() < 0 || target <= settings.cpus()
                || s.completed() - prev.completed() < MIN_TICK_TASKS) {
            return false;
        }
        long runQueue = s.sampledRunQueueNanos() - prev.sampledRunQueueNanos();
        long wall = s.sampledWallNanos() - prev.sampledWallNanos();
        long known = s.sampledTasks() - prev.sampledTasks();
        long crowded = s.crowdedTasks() - prev.crowdedTasks();
        long crowdedWall = s.crowdedWallNanos() - prev.crowdedWallNanos();
        double share;
        String why;
        if (runQueue > 0 && wall >= settings.cpus() * (s.nanoTime() - prev.nanoTime())
                && runQueue >= CPU_STARVED_HARD_SHARE * wall) {
            share = (double) runQueue / wall;
            why = "tasks waited for a CPU " + Math.round(100 * share) + "% of their time in the last tick";
        } else if (known >= MIN_TICK_TASKS && 2 * crowded > known && crowdedWall > 0) {
            share = (double) (s.crowdedRunQueueNanos() - prev.crowdedRunQueueNanos()) / crowdedWall;
            why = crowded + " of the last tick's " + known + " sampled tasks waited for a CPU 80% of their time or more ("
                    + Math.round(100 * share) + "%)";
        } else {
            return false;
        }
        int to = Math.max(settings.cpus(), (int) Math.ceil(Math.min(target, s.busy()) * (1 - share)));
        if (4 * to > 3 * target) {
            return false;
        }
        double tickRatio = ratioBetween(prev, s);
        if (!Double.isNaN(tickRatio)) {
            ratio = tickRatio; // the work of now: a jump to I/O-bound work is measured from it, not from the old work's
        }
        cutForCpus();
        return change(to, Phase.CPU_CUT, s, "CPUs oversubscribed: " + why);
    }

    /** The target falls for the CPUs: the ratio of now is where a jump to new, I/O-bound work is measured from. */
    private void cutForCpus() {
        forgetTaskTimes();
        oversubscribedTried = false;
        cpuLimited = true;
        ratioOfEstimate = ratio;
        ratioAtEstimate = ratio;
    }

    /**
     * During a cut for the CPUs: the two ticks since {@code prev2} still show tasks waiting for a
     * CPU a third of their time or more, and either computing more than they wait or waiting for
     * a CPU 60% of the time (past where even mixed work gains from a queue of runnable threads):
     * the target drops to the busy workers times the share not spent waiting for a CPU, if that
     * is a quarter fewer at least.
     */
    private boolean cutAgain(AdaptiveSample prev2, AdaptiveSample prev, AdaptiveSample s) {
        long runQueue = s.sampledRunQueueNanos() < 0 || prev2.sampledRunQueueNanos() < 0 ? -1
                : s.sampledRunQueueNanos() - prev2.sampledRunQueueNanos();
        long wall = s.sampledWallNanos() - prev2.sampledWallNanos();
        double glanceRatio = ratioBetween(prev2, s);
        if (runQueue <= 0 || wall <= 0 || Double.isNaN(glanceRatio) || target <= settings.cpus() || s.queued() == 0) {
            return false;
        }
        double share = (double) runQueue / wall;
        if (share < CPU_STARVED_SHARE || (glanceRatio >= CPU_BOUND_RATIO && share < CPU_STARVED_PROBE_SHARE)) {
            return false;
        }
        double busy = (prev.busy() + s.busy()) / 2.0;
        int to = Math.max(settings.cpus(), (int) Math.ceil(busy * (1 - share)));
        if (4 * to > 3 * target) {
            return false;
        }
        return change(to, Phase.CPU_CUT, s, "CPUs oversubscribed: tasks still waited for a CPU "
                + Math.round(100 * share) + "% of their time in the last two ticks");
    }

    /** The wait/compute ratio of the tasks sampled between two ticks; NaN if too few ended. */
    private static double ratioBetween(AdaptiveSample a, AdaptiveSample b) {
        long ended = b.completed() - a.completed();
        long cpu = b.sampledCpuNanos() - a.sampledCpuNanos();
        long wall = b.sampledWallNanos() - a.sampledWallNanos();
        if (ended < MIN_TICK_TASKS || cpu <= 0 || wall <= 0) {
            return Double.NaN;
        }
        long runQueue = b.sampledRunQueueNanos() < 0 || a.sampledRunQueueNanos() < 0 ? -1
                : b.sampledRunQueueNanos() - a.sampledRunQueueNanos();
        return waitComputeRatio(cpu, wall, runQueue, b.cpuContention());
    }

    /**
     * wall = wait + cpu + time waiting for a CPU: measured ({@code runQueue >= 0}), or else
     * estimated from the machine's load ({@code contention}).
     */
    private static double waitComputeRatio(long cpu, long wall, long runQueue, double contention) {
        double r = runQueue >= 0 ? (double) (wall - runQueue - cpu) / cpu : (double) wall / cpu - Math.max(1.0, contention);
        return Math.max(0.0, r);
    }

    /**
     * Nothing measured yet, work queued and enough sampled: the first estimate need not wait for
     * the window's end (a pool of CPUs workers facing I/O-bound work loses most of a window).
     */
    private boolean firstEstimateReady(AdaptiveSample s) {
        return Double.isNaN(ratio) && s.queued() > 0
                && s.sampledCpuNanos() > windowStart.sampledCpuNanos()
                && s.sampledWallNanos() - windowStart.sampledWallNanos() >= FIRST_ESTIMATE_WALL_NANOS;
    }

    private boolean endWindow(AdaptiveSample s) {
        AdaptiveSample w = windowStart;
        long ended = s.completed() - w.completed();
        double rate = ended * 1e9 / (s.nanoTime() - w.nanoTime());
        double busy = busyTicks > 0 ? (double) busySum / busyTicks : s.busy();
        // Little's law: busy workers = rate x time per task; trusted once half the workers ended a task in
        // the window (tasks much longer than a window, or none ending, say nothing of their time)
        double taskNanos = ended > 0 && 2 * ended >= busy ? busy * 1e9 / rate : Double.NaN;
        long cpu = s.sampledCpuNanos() - w.sampledCpuNanos();
        long wall = s.sampledWallNanos() - w.sampledWallNanos();
        long runQueue = s.sampledRunQueueNanos() < 0 || w.sampledRunQueueNanos() < 0 ? -1
                : s.sampledRunQueueNanos() - w.sampledRunQueueNanos();
        if (runQueue > 0 && wall > 0) {
            // time waiting for a CPU is the machine's load, not a queue outside the pool
            taskNanos *= Math.max(0.0, 1.0 - (double) runQueue / wall);
        }
        double windowRatio = Double.NaN;
        newWorkInWindow = false;
        ratioFellInWindow = false;
        if (cpu > 0 && wall > 0) {
            windowRatio = waitComputeRatio(cpu, wall, runQueue, s.cpuContention());
            // smoothed, but a window 4 times off is new work, taken as it is: halving a ratio of
            // 500 down to CPU-bound would take 9 windows
            boolean newWork = Double.isNaN(ratio) || windowRatio * RATIO_JUMP < ratio || windowRatio > RATIO_JUMP * ratio + 1;
            ratioFellInWindow = !Double.isNaN(ratio) && windowRatio * RATIO_JUMP < ratio;
            ratio = newWork ? windowRatio : 0.5 * ratio + 0.5 * windowRatio;
            newWorkInWindow = newWork;
        }
        double runQueueShare = runQueue > 0 && wall > 0 ? (double) runQueue / wall : 0.0;
        if (!(taskNanos >= minTaskNanos) && !Double.isNaN(taskNanos)) {
            minTaskNanos = taskNanos;
        }
        // tasks of work that is not CPU-bound taking 4 times their shortest: they wait in a queue
        // outside the pool (new work with longer waits comes with a jump from CPU-bound, below)
        boolean queueing = taskNanos > QUEUEING * minTaskNanos && windowRatio >= CPU_BOUND_RATIO;
        // the highest ratio since the last estimate, before this window: a rise far above it is a new workload
        double highestRatio = ratioOfEstimate;
        if (!Double.isNaN(ratioOfEstimate) && ratio > ratioOfEstimate) {
            ratioOfEstimate = ratio;
        }
        boolean queued = queuedInWindow;
        int peak = peakBusy;
        startWindow(s);
        publish(); // the ratio may have moved

        if (!queued && peak < target) {
            int to = clamp(peak);
            if (to < target) {
                ratioOfEstimate = Double.NaN; // when work queues up again, start from the estimate
                forgetTaskTimes();
                cpuLimited = false;
                oversubscribedTried = false;
                return change(to, Phase.UNMEASURED, s, "load fell: nothing queued, at most " + peak
                        + " of " + target + " workers busy");
            }
        }
        if (Double.isNaN(ratio)) {
            return false; // nothing measured yet: hold
        }
        int estimate = estimate();
        boolean demand = queued || peak >= target;
        // a jump from CPU-bound work is new work whatever was seen; from I/O-bound work it may be
        // tasks queueing downstream, which the climb or the queueing rule already caught. Not in
        // the window right after a change: after a fall from hundreds of CPU-bound workers its
        // tasks carry the JVM's long safepoint pauses of before, which look like waiting
        boolean fromCpuBound = highestRatio < CPU_BOUND_RATIO || cpuLimited;
        if ((Double.isNaN(highestRatio) && demand)
                || (queued && !phase.measuring() && phase != Phase.CPU_PROBE && (fromCpuBound || (!queueing && !queueingSeen))
                    && ratio > RATIO_JUMP * highestRatio + 1 && estimate > target)) {
            if (!Double.isNaN(highestRatio)) {
                forgetTaskTimes(); // a new workload: its tasks take their own time
            }
            oversubscribedTried = false;
            cpuLimited = false;
            ratioOfEstimate = ratio;
            ratioAtEstimate = ratio;
            settle(s);
            return change(estimate, Phase.ESTIMATED, s, "estimate: " + settings.cpus() + " CPUs x (1 + wait/compute "
                    + fmt(ratio) + ")" + (estimate == settings.max() || estimate == settings.min() ? ", clamped" : ""));
        }
        boolean probing = phase.probing();
        // the window's own ratio counts as well as the smoothed one: a ratio that went from 100 to
        // 250 reads 175 smoothed, and the rise would wait a window more far below the best size
        double riseRatio = windowRatio > ratio ? windowRatio : ratio;
        int riseEstimate = estimate(riseRatio);
        if (queued && !probing && !queueingSeen && !queueing && !cpuLimited && riseRatio >= RATIO_RISE * ratioAtEstimate
                && 2 * riseEstimate >= 3 * target) {
            // the first estimate came from cold code (class loading, the interpreter, a new
            // worker's first calls opening connections) that computes more per task than it will:
            // follow the estimate up while tasks do not slow down (after a fall for CPU-bound
            // work, only the jump above takes the workers back up)
            ratio = riseRatio;
            ratioOfEstimate = Math.max(ratioOfEstimate, riseRatio);
            ratioAtEstimate = riseRatio;
            settle(s);
            return change(riseEstimate, Phase.ESTIMATED, s, "estimate rose: " + settings.cpus() + " CPUs x (1 + wait/compute "
                    + fmt(riseRatio) + ")" + (riseEstimate == settings.max() ? ", clamped" : ""));
        }
        // (a ratio that rose 4-fold is no sign of it: tasks queueing downstream wait longer)
        boolean cpuBound = ratio < CPU_BOUND_RATIO || runQueueShare >= CPU_STARVED_HARD_SHARE || ratioFellInWindow;
        if (runQueueShare >= CPU_STARVED_SHARE && target > settings.cpus() && queued
                && (cpuBound || (!oversubscribedTried && s.nanoTime() >= settleUntilNanos && estimate < target
                        && runQueueShare >= CPU_STARVED_PROBE_SHARE && phase != Phase.PROBE_UP))) {
            // the workers spend a third or more of their time runnable but without a CPU: fewer
            // of them do the same work. Only the share that runs or waits for something else is
            // kept, at least halving, as the ratio lags (it also counts the JVM's safepoint
            // pauses, which grow with the runnable threads, as wait). Work that also waits (mixed)
            // may need that many runnable threads to keep the CPUs busy between its waits: for
            // it the cut is a probe down, judged as one and taken once per work, to no fewer than
            // the estimate (which leaves the time waiting for a CPU out)
            int to = Math.max(settings.cpus(), Math.min(target / 2, (int) Math.ceil(busy * (1 - runQueueShare))));
            if (!cpuBound) {
                to = Math.max(to, estimate);
            }
            forgetTaskTimes();
            cpuLimited = true;
            ratioOfEstimate = ratio; // a jump from here is new, I/O-bound work
            ratioAtEstimate = ratio;
            String why = "CPUs oversubscribed: tasks waited for a CPU " + Math.round(100 * runQueueShare) + "% of their time";
            if (cpuBound) {
                return change(to, Phase.CPU_CUT, s, why);
            }
            oversubscribedTried = true;
            baseRate = rate;
            keptUps = 0;
            return change(to, Phase.CPU_PROBE, s, why + " (a probe: the work also waits)");
        }
        if (ratio < CPU_BOUND_RATIO && target > estimate) {
            forgetTaskTimes();
            oversubscribedTried = false;
            cpuLimited = true;
            ratioOfEstimate = ratio;
            ratioAtEstimate = ratio;
            return change(estimate, Phase.UNMEASURED, s, "CPU-bound: wait/compute " + fmt(ratio)
                    + ", estimate " + estimate);
        }
        // judged after a whole window at this target: right after a step up, the new workers' first
        // tasks have not ended yet and the time per task looks longer than it is
        // (not after a fall for CPU-bound work: its short tasks set the shortest time, and the
        // I/O-bound work that comes next is new work, for the jump above)
        if (queued && !phase.measuring() && queueing && !cpuLimited) {
            // tasks wait in a queue outside the pool (a downstream's limit): more workers only
            // lengthen it; the rate needs rate x shortest task time workers (Little's law)
            // Taken as a probe down, judged like one: if the rate falls (the queue was the machine's
            // CPUs, which fewer workers do not relieve), the pool goes back and does not try again
            int need = clamp((int) Math.ceil(rate * minTaskNanos / 1e9 * QUEUEING_HEADROOM));
            if (!queueingTried && 4 * need <= 3 * target) {
                queueingTried = true;
                queueingSeen = true;
                baseRate = rate;
                keptUps = 0;
                boolean changed = change(need, Phase.PROBE_DOWN, s, "queueing: tasks take " + fmt(taskNanos / 1e6)
                        + " ms, " + fmt(minTaskNanos / 1e6) + " ms with fewer workers; " + fmt(rate) + "/s needs about " + need);
                judgingQueueingStep = true;
                return changed;
            }
        }
        return climb(rate, queued, peak, downFloor(estimate, s), s);
    }

    /** No probe down for the next windows: the estimate for new work is taken as right. */
    private void settle(AdaptiveSample s) {
        settleUntilNanos = s.nanoTime() + SETTLE_WINDOWS * settings.windowNanos();
    }

    /**
     * The fewest workers a probe down may try now. While the new work's estimate settles: the
     * target (a window whose ratio wavers low says nothing yet). For I/O-bound work with no
     * queueing seen, no fall for the CPUs, and a ratio not 4 times below the one the estimate was
     * taken with: the estimate (the higher of the one taken and the one now), as each of its
     * workers carries its share of the rate and a probe below it only costs throughput; only the
     * queueing rule (tasks slower) or a CPU rule takes the pool below it. A ratio that fell that far is other work (or CPU-bound work inflated by
     * waiting for a CPU where the scheduler's count is unknown): probes find its size. Else min.
     */
    private int downFloor(int estimate, AdaptiveSample s) {
        if (s.nanoTime() < settleUntilNanos) {
            return target;
        }
        if (ratio >= CPU_BOUND_RATIO && !queueingSeen && !cpuLimited && !(ratio * RATIO_JUMP < ratioAtEstimate)) {
            // the estimate the pool took, not the smoothed ratio's of now: windows' ratios waver
            // below it while the tasks keep their time, and each step down costs throughput
            return Math.min(target, Math.max(estimate, estimate(ratioAtEstimate)));
        }
        return settings.min();
    }

    /** The work changed: the shortest task time and the queueing seen belong to the old work. */
    private void forgetTaskTimes() {
        minTaskNanos = Double.NaN;
        queueingSeen = false;
        queueingTried = false;
    }

    private boolean climb(double rate, boolean queued, int peak, int floor, AdaptiveSample s) {
        switch (phase) {
            case PROBE_UP:
                if (rate > baseRate * (1 + settings.margin())) {
                    baseRate = rate;
                    rejectedInARow = 0;
                    keptUps++;
                    if (queued && target < settings.max()) {
                        return probe(true, floor, s, "more workers raised throughput to " + fmt(rate) + "/s; probing up");
                    }
                    phase = Phase.HOLD;
                    return false;
                }
                nextProbeUp = false;
                return reject(rate, s, "more workers did not raise throughput (" + fmt(rate) + "/s vs " + fmt(baseRate) + "/s)");
            case CPU_PROBE:
            case PROBE_DOWN:
                if (phase == Phase.CPU_PROBE && (newWorkInWindow || ratio < CPU_BOUND_RATIO)) {
                    // the work changed under the cut (it turned CPU-bound, or its tasks carry the
                    // pauses of the oversubscribed CPUs before): its rate says nothing of the cut,
                    // which stays; measured afresh from here
                    phase = Phase.HOLD;
                    baseRate = rate;
                    return false;
                }
                double margin = judgingQueueingStep ? QUEUEING_MARGINS * settings.margin() : settings.margin();
                judgingQueueingStep = false;
                if (rate >= baseRate * (1 - margin)) {
                    rejectedInARow = 0;
                    queueingSeen = true; // fewer workers did as well: the estimate is too high for this work
                    if (target > settings.min()) {
                        return probe(false, settings.min(), s, "fewer workers kept throughput (" + fmt(rate) + "/s vs "
                                + fmt(baseRate) + "/s); probing down");
                    }
                    phase = Phase.HOLD;
                    baseRate = rate;
                    return false;
                }
                nextProbeUp = true;
                if (phase == Phase.CPU_PROBE) {
                    cpuLimited = false; // the CPUs' queue was what kept them busy between the tasks' waits
                }
                return reject(rate, s, "fewer workers lowered throughput (" + fmt(rate) + "/s vs " + fmt(baseRate) + "/s)");
            case UNMEASURED:
            case CPU_CUT:
                phase = Phase.HOLD;
                baseRate = rate;
                return false;
            case ESTIMATED:
                baseRate = rate;
                if (settings.probeAboveEstimate() && queued && target < settings.max() && ratio >= CPU_BOUND_RATIO) {
                    // the estimate is where the CPUs would be busy if tasks came evenly; work that
                    // also computes needs a queue of runnable threads between its waits, and its
                    // best is often above (1.5x for 1 ms CPU and 20 ms waits on 2 CPUs): look
                    // there now, a half step up, rather than after a window of holding
                    return probe(true, floor, s, "probing up from the estimate " + target + " (throughput "
                            + fmt(rate) + "/s)");
                }
                phase = Phase.HOLD;
                return false;
            default: // HOLD
                if (holdWindows > 0) {
                    holdWindows--;
                    baseRate = rate;
                    return false;
                }
                if (Double.isNaN(baseRate)) {
                    baseRate = rate;
                    return false;
                }
                baseRate = 0.5 * baseRate + 0.5 * rate;
                // CPU-bound work gains nothing from more threads than CPUs, bar a bigger share of
                // a busy machine taken from its other programs: no probing up then
                boolean canUp = queued && target < settings.max() && ratio >= CPU_BOUND_RATIO;
                // and fewer workers than CPUs can only lose throughput when the work is CPU-bound
                boolean canDown = target > floor && (queued || peak >= target)
                        && (ratio >= CPU_BOUND_RATIO || target > settings.cpus());
                if (canUp && (nextProbeUp || !canDown)) {
                    return probe(true, floor, s, "probing up from " + target + " (throughput " + fmt(baseRate) + "/s)");
                }
                if (canDown) {
                    return probe(false, floor, s, "probing down from " + target + " (throughput " + fmt(baseRate) + "/s)");
                }
                return false;
        }
    }

    private boolean probe(boolean up, int floor, AdaptiveSample s, String why) {
        // a quarter; half once a step up was kept, so a pool far below its best gets there in a few windows
        // (not going down: a half step below an ample server's best size costs a third of a window's
        // throughput; far above a downstream's limit, the queueing rule steps down at once); an eighth
        // near a good point, where a quarter either side costs a window of threads or of throughput
        // a half step up from an estimate too: work that also waits does best at ~1.5x it, which a
        // quarter step reaches only if its gain clears the margin, and mostly it did not (mixed work
        // settled at 1.1x, 93% of its best); a probe up that does not pay goes back after a window
        int step = Math.max(1, target / (up && (keptUps > 0 || phase == Phase.ESTIMATED) ? 2 : nearGood ? NEAR_GOOD_STEP : 4));
        if (!up) {
            keptUps = 0;
        }
        int to = clamp(up ? target + step : Math.max(floor, target - step));
        if (to == target) {
            phase = Phase.HOLD;
            return false;
        }
        return change(to, up ? Phase.PROBE_UP : Phase.PROBE_DOWN, s, why);
    }

    private boolean reject(double rate, AdaptiveSample s, String why) {
        keptUps = 0;
        holdWindows = ++rejectedInARow >= 2 ? HOLD_WINDOWS : 0;
        if (rejectedInARow >= 2) {
            rejectedInARow = 0;
        }
        int back = lastKept;
        boolean changed = change(back, Phase.UNMEASURED, s, why + "; back to " + back);
        // after change(), which forgets it for every other move; a probe judged in a window of
        // new work says nothing of where that work's best is
        nearGood = !newWorkInWindow;
        return changed;
    }

    /** The target before the probe under way: where a rejected probe returns. */
    private int lastKept;

    private boolean change(int to, Phase next, AdaptiveSample s, String why) {
        judgingQueueingStep = false; // set again by the queueing rule after its own change
        to = clamp(to);
        boolean probing = next.probing();
        lastKept = probing ? target : to; // a rejected probe step returns to where it started
        if (next.measuring()) {
            baseRate = Double.NaN;
            nearGood = false; // new work, a new estimate or a fall: the best may be anywhere
        }
        phase = next;
        startWindow(s);
        if (to == target) {
            return false;
        }
        if (to > target) {
            lastRiseNanos = s.nanoTime();
        } else {
            lastFallNanos = s.nanoTime();
        }
        ticksSinceChange = 0;
        shiftTicks = 0;
        target = to;
        changes++;
        reason = why;
        publish();
        return true;
    }

    private void startWindow(AdaptiveSample s) {
        windowStart = s;
        queuedInWindow = s.queued() > 0;
        peakBusy = s.busy();
        busySum = 0;
        busyTicks = 0;
    }

    private int estimate() {
        return estimate(ratio);
    }

    private int estimate(double ratio) {
        double ratioForEstimate = ratio < CPU_BOUND_RATIO ? 0 : ratio;
        double e = settings.cpus() * (1 + ratioForEstimate);
        return clamp(e >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.round(e));
    }

    private int clamp(int n) {
        return Math.max(settings.min(), Math.min(settings.max(), n));
    }

    private void publish() {
        stats = new AdaptiveStats(target, settings.min(), settings.max(), ratio, reason, changes);
    }

    private static String fmt(double d) {
        return d >= 100 || d == Math.rint(d) ? String.valueOf(Math.round(d)) : String.format(java.util.Locale.ROOT, "%.2f", d);
    }
}
