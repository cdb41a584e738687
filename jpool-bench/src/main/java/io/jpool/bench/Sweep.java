package io.jpool.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sweep of fixed sizes an adaptive pool is judged against: a fixed-size jpool of 1, 2, 4 ...
 * {@code maxSize} workers, each run alone on the same workload, printing one line per size.
 */
public final class Sweep {
    private final List<Integer> sizes = new ArrayList<>();
    private final List<Run> runs = new ArrayList<>();

    private Sweep() {
    }

    /** Runs the sweep; each size for {@code seconds} with {@code inFlight} tasks in flight. */
    public static Sweep run(ClosedLoop.Workload work, double seconds, int inFlight, int maxSize) throws InterruptedException {
        Sweep s = new Sweep();
        for (int size = 1; size <= maxSize; size *= 2) {
            Run r;
            try (Contender c = Contender.fixed(size)) {
                r = ClosedLoop.run(c, work, seconds, inFlight);
            }
            System.out.printf(Locale.ROOT, "  fixed %4d: %8.0f tasks/s, peak %d running, mean task %.1f ms%s%n", size,
                    r.tasksPerSec(), r.peakRunning(), r.meanTaskMs(), r.failed() > 0 ? ", " + r.failed() + " FAILED" : "");
            s.sizes.add(size);
            s.runs.add(r);
        }
        return s;
    }

    public List<Run> runs() {
        return runs;
    }

    /** The best throughput of the sweep. */
    public double bestRate() {
        return runs.stream().mapToDouble(Run::tasksPerSec).max().orElse(0);
    }

    /** The size that gave the best throughput. */
    public int bestSize() {
        return sizeOf(runs.stream().max((a, b) -> Double.compare(a.tasksPerSec(), b.tasksPerSec())).orElseThrow());
    }

    /** The smallest size whose throughput reaches {@code share} of the best (0.9: 90%). */
    public int smallestSizeReaching(double share) {
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).tasksPerSec() >= share * bestRate()) {
                return sizes.get(i);
            }
        }
        return bestSize();
    }

    private int sizeOf(Run r) {
        return sizes.get(runs.indexOf(r));
    }
}
