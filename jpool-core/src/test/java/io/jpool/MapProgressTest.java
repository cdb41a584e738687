package io.jpool;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A map's progress, told from many worker threads at once: growing, never repeated, ending once at total. */
class MapProgressTest {
    private static final int ITEMS = 1000;

    /** The (done, total) pairs a listener was told, once the map told (total, total). */
    private static List<long[]> run(ThreadPool pool, Iterable<Integer> items, MapOptions options) throws Exception {
        List<long[]> told = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> end = new CompletableFuture<>();
        try (MapResult<Integer> r = pool.map((Integer x) -> x + 1, items, options.onProgress((done, total) -> {
            told.add(new long[] {done, total});
            if (done == ITEMS && total == ITEMS) {
                end.complete(null);
            }
        }))) {
            long sum = 0;
            for (int v : r) {
                sum += v;
            }
            assertThat(sum).isEqualTo((long) ITEMS * (ITEMS + 1) / 2 + ITEMS);
        }
        end.get(30, TimeUnit.SECONDS);
        synchronized (told) {
            return new ArrayList<>(told);
        }
    }

    private static void assertWellTold(List<long[]> told, boolean totalKnownAtStart) {
        assertThat(told).isNotEmpty();
        long lastDone = -1;
        long lastTotal = Long.MIN_VALUE;
        for (int i = 0; i < told.size(); i++) {
            long done = told.get(i)[0];
            long total = told.get(i)[1];
            boolean last = i == told.size() - 1;
            if (totalKnownAtStart) {
                assertThat(total).as("total at report %d", i).isEqualTo(ITEMS);
            }
            if (done == lastDone) {
                // only the end of an input of unknown size may repeat done, to bring the total
                assertThat(last && lastTotal == -1 && total == ITEMS).as("done %d told twice", done).isTrue();
            } else {
                assertThat(done).as("done after %d", lastDone).isGreaterThan(lastDone);
            }
            assertThat(done == ITEMS && total == ITEMS).as("(total, total) only last, report %d", i).isEqualTo(last);
            lastDone = done;
            lastTotal = total;
        }
    }

    private static Iterable<Integer> numbers(boolean asCollection) {
        List<Integer> list = new ArrayList<>();
        for (int i = 1; i <= ITEMS; i++) {
            list.add(i);
        }
        return asCollection ? list : list::iterator;
    }

    @Test
    void progressGrowsIsNeverRepeatedAndEndsOnceAtTotal() throws Exception {
        try (ThreadPool pool = ThreadPool.create(4)) {
            for (int round = 0; round < 40; round++) {
                for (boolean ordered : new boolean[] {true, false}) {
                    for (int chunksize : new int[] {1, 3, 8}) {
                        MapOptions o = MapOptions.defaults().ordered(ordered).chunksize(chunksize);
                        assertWellTold(run(pool, numbers(true), o), true);
                        assertWellTold(run(pool, numbers(false), o), false);
                    }
                }
            }
        }
    }
}
