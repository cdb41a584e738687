package io.jpool.process;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.ProcessPool;
import io.jpool.TaskFailedException;
import io.jpool.WorkerDiedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process {@code map} pairs every item with its own outcome: its value, or a
 * {@link TaskFailedException} carrying its own index, whatever failed (the item could not be
 * encoded, the function threw, the worker died with no retries left), wherever it sits, whatever
 * the chunk size and order.
 */
class ProcessMapPairingTest {
    private static final int ITEMS = 100;
    private static ProcessPool pool;

    enum Failure { ENCODING, THROWS, WORKER_DIES }

    /** Not Serializable: it cannot travel to a worker. */
    static final class Unsendable {
    }

    @BeforeAll
    static void start() {
        pool = ProcessSupport.pool(2).retries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        ProcessPoolReaderFaultsTest.closeWithin(pool, 60);
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Failure failure : Failure.values()) {
            for (int position : new int[] {0, 70, 99}) {
                for (int chunksize : new int[] {1, 7}) {
                    for (boolean ordered : new boolean[] {true, false}) {
                        cases.add(Arguments.of(failure, position, chunksize, ordered));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} at item {1}, chunksize {2}, ordered {3}")
    @MethodSource("matrix")
    void everyItemGetsItsOwnOutcome(Failure failure, int position, int chunksize, boolean ordered) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            items.add(failure == Failure.ENCODING && i == position ? new Unsendable() : (Object) i);
        }
        Map<Integer, Integer> values = new TreeMap<>();
        Map<Long, Throwable> failed = new TreeMap<>();
        List<Integer> order = new ArrayList<>();
        MapOptions options = MapOptions.defaults().chunksize(chunksize).ordered(ordered);
        try (MapResult<Integer> r = pool.map((Object x) -> {
            int i = (Integer) x;
            if (i == position && failure == Failure.THROWS) {
                throw new IllegalStateException("item " + i);
            }
            if (i == position && failure == Failure.WORKER_DIES) {
                Runtime.getRuntime().halt(3);
            }
            return i * 2;
        }, items, options)) {
            java.util.Iterator<Integer> it = r.iterator();
            while (it.hasNext()) {
                try {
                    Integer v = it.next();
                    order.add(v / 2);
                    assertThat(values.put(v / 2, v)).as("item %d returned twice", v / 2).isNull();
                } catch (TaskFailedException e) {
                    assertThat(failed.put(e.index(), e.getCause())).as("item %d failed twice", e.index()).isNull();
                    order.add((int) e.index());
                }
            }
        }
        // a dead worker takes its whole chunk with it; anything else fails its item alone
        TreeSet<Long> expectedFailed = new TreeSet<>();
        int from = failure == Failure.WORKER_DIES ? position / chunksize * chunksize : position;
        int to = failure == Failure.WORKER_DIES ? Math.min(ITEMS, from + chunksize) : position + 1;
        for (long i = from; i < to; i++) {
            expectedFailed.add(i);
        }
        assertThat(failed.keySet()).isEqualTo(expectedFailed);
        for (int i = 0; i < ITEMS; i++) {
            if (!expectedFailed.contains((long) i)) {
                assertThat(values.get(i)).as("item %d", i).isEqualTo(i * 2);
            }
        }
        assertThat(values).hasSize(ITEMS - expectedFailed.size());
        if (ordered) {
            for (int i = 0; i < ITEMS; i++) {
                assertThat(order.get(i)).as("position %d of the output", i).isEqualTo(i);
            }
        }
        Throwable cause = failed.get((long) position);
        switch (failure) {
            case ENCODING:
                assertThat(cause).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unsendable")
                        .hasMessageContaining("Serializable");
                break;
            case THROWS:
                assertThat(cause).isInstanceOf(IllegalStateException.class).hasMessage("item " + position);
                break;
            default:
                assertThat(cause).isInstanceOf(WorkerDiedException.class);
        }
    }
}
