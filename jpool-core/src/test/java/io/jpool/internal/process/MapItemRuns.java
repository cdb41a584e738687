package io.jpool.internal.process;

import io.jpool.TaskFailedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the process map tests share: each item's function appends to a file {@code ran-<item>}
 * in the test's directory as it starts, so a test counts an item's runs, waits for its start, and
 * reads the items' outcomes in order.
 */
final class MapItemRuns {
    private MapItemRuns() {
    }

    /** How many times {@code item} started (the length of its mark). */
    static int runs(Path dir, int item) throws IOException {
        Path p = dir.resolve("ran-" + item);
        return Files.exists(p) ? Files.readString(p).length() : 0;
    }

    /** Waits (60 s at most) until {@code item} started once. */
    static void awaitRun(Path dir, int item) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (runs(dir, item) == 0) {
            assertThat(System.nanoTime()).as("item %d never started", item).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Every item's result, in order, or for a failed one its cause's simple name and its index. */
    static List<Object> outcomes(Iterator<Integer> it) {
        List<Object> out = new ArrayList<>();
        while (it.hasNext()) {
            try {
                out.add(it.next());
            } catch (TaskFailedException e) {
                out.add(e.getCause().getClass().getSimpleName() + " " + e.index());
            }
        }
        return out;
    }
}
