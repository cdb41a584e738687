package io.jpool.internal.thread;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The lanes of the thread pool's queue: per-thread order, nothing lost, empty means all empty. */
class TaskLanesTest {

    private static PooledTask<Integer> task(int value) {
        return PooledTask.of(null, () -> value, null);
    }

    @Test
    void laneCountFollowsTheCpusUpToTheCap() {
        assertThat(new TaskLanes(1).lanes()).isEqualTo(1);
        assertThat(new TaskLanes(2).lanes()).isEqualTo(2);
        assertThat(new TaskLanes(3).lanes()).isEqualTo(2);
        assertThat(new TaskLanes(6).lanes()).isEqualTo(4);
        assertThat(new TaskLanes(64).lanes()).isEqualTo(TaskLanes.MAX_LANES);
    }

    @Test
    void oneThreadsTasksComeOutInItsOrder() {
        TaskLanes lanes = new TaskLanes(8);
        List<PooledTask<Integer>> in = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            in.add(task(i));
            lanes.offer(in.get(i));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(lanes.poll(i * 7)).as("from any first lane").isSameAs(in.get(i));
        }
        assertThat(lanes.poll()).isNull();
        assertThat(lanes.isEmpty()).isTrue();
    }

    @Test
    void theHotLoopsTakeFindsAStoredTaskInAnotherLane() {
        TaskLanes lanes = new TaskLanes(2);
        PooledTask<Integer> t = task(1);
        lanes.offer(t);
        int otherLane = lanes.laneOfThisThread() + 1; // start from the lane offer did not use
        assertThat(lanes.take(otherLane, false)).isSameAs(t);
        assertThat(lanes.take(otherLane, false)).isNull();
        assertThat(lanes.isEmpty()).isTrue();
    }

    @Test
    void isEmptyOnlyWhenEveryLaneIs() throws Exception {
        TaskLanes lanes = new TaskLanes(2);
        PooledTask<Integer> mine = task(1);
        PooledTask<Integer> theirs = task(2);
        lanes.offer(mine);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            other.submit(() -> lanes.offer(theirs)).get(10, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
        Set<PooledTask<?>> out = new HashSet<>();
        out.add(lanes.poll(0));
        assertThat(lanes.isEmpty()).as("one task is left, in whichever lane").isFalse();
        out.add(lanes.poll(0));
        assertThat(out).containsExactlyInAnyOrder(mine, theirs);
        assertThat(lanes.isEmpty()).isTrue();
        assertThat(lanes.poll(1)).isNull();
    }

    @RepeatedTest(20)
    void manySubmittersAndTakersLoseNothingAndKeepEachSubmittersOrder() throws Exception {
        int producers = 4;
        int consumers = 2;
        int perProducer = 20_000;
        TaskLanes lanes = new TaskLanes(4);
        CyclicBarrier start = new CyclicBarrier(producers + consumers);
        java.util.concurrent.atomic.AtomicInteger produced = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(producers + consumers);
        try {
            for (int p = 0; p < producers; p++) {
                int id = p;
                threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        lanes.offer(task(id * 1_000_000 + i));
                        produced.incrementAndGet();
                    }
                    return null;
                });
            }
            List<Future<List<Integer>>> taken = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                int first = c;
                taken.add(threads.submit(() -> {
                    start.await();
                    List<Integer> mine = new ArrayList<>();
                    for (int n = 0; ; n++) {
                        PooledTask<?> t = lanes.poll(first + n / 64);
                        if (t != null) {
                            mine.add((Integer) value(t));
                        } else if (produced.get() == producers * perProducer && lanes.isEmpty()) {
                            return mine;
                        }
                    }
                }));
            }
            Set<Integer> seen = new HashSet<>();
            for (Future<List<Integer>> f : taken) {
                int[] last = new int[producers];
                java.util.Arrays.fill(last, -1);
                for (int v : f.get(60, TimeUnit.SECONDS)) {
                    assertThat(seen.add(v)).as("taken twice: %d", v).isTrue();
                    int producer = v / 1_000_000;
                    assertThat(v % 1_000_000).as("producer %d's order", producer).isGreaterThan(last[producer]);
                    last[producer] = v % 1_000_000;
                }
            }
            assertThat(seen).hasSize(producers * perProducer);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void threadsGetTheLanesInTurnAsTheyFirstSubmitAndKeepThem() throws Exception {
        TaskLanes lanes = new TaskLanes(8);
        List<Asker> askers = new ArrayList<>();
        Set<Long> slots = new HashSet<>();
        try {
            while (askers.size() < 8) { // threads whose ids pick distinct slots of the table
                Asker a = new Asker();
                if (slots.add(a.id % TaskLanes.OWNER_SLOTS)) {
                    askers.add(a);
                } else {
                    a.close();
                }
            }
            List<Integer> first = new ArrayList<>();
            for (Asker a : askers) {
                first.add(a.laneIn(lanes));
            }
            assertThat(first).as("one lane each, handed out in turn").containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
            for (int i = askers.size() - 1; i >= 0; i--) {
                assertThat(askers.get(i).laneIn(lanes)).as("thread %d asks again", i).isEqualTo(first.get(i));
            }
        } finally {
            askers.forEach(Asker::close);
        }
    }

    @Test
    void aThreadWhoseSlotAnotherHoldsKeepsTheLaneItsIdPicks() throws Exception {
        TaskLanes lanes = new TaskLanes(2);
        List<Asker> spare = new ArrayList<>();
        try (Asker holder = new Asker()) {
            Asker other = new Asker();
            while ((other.id - holder.id) % TaskLanes.OWNER_SLOTS != 0) {
                spare.add(other);
                other = new Asker();
            }
            spare.add(other);
            assertThat(holder.laneIn(lanes)).as("the first to ask").isZero();
            int byId = (int) other.id & 1;
            assertThat(other.laneIn(lanes)).as("the lane of its id").isEqualTo(byId);
            assertThat(other.laneIn(lanes)).as("asked again").isEqualTo(byId);
            assertThat(holder.laneIn(lanes)).as("the holder's lane stays").isZero();
        } finally {
            spare.forEach(Asker::close);
        }
    }

    /** A thread of its own that asks the lanes for its lane. */
    private static final class Asker implements AutoCloseable {
        final long id;
        private final ExecutorService thread;

        @SuppressWarnings("deprecation") // getId: what picks the slot
        Asker() throws Exception {
            thread = Executors.newSingleThreadExecutor();
            id = thread.submit(() -> Thread.currentThread().getId()).get(10, TimeUnit.SECONDS);
        }

        int laneIn(TaskLanes lanes) throws Exception {
            return thread.submit(lanes::laneOfThisThread).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }

    private static Object value(PooledTask<?> t) throws Exception {
        java.lang.reflect.Field f = PooledTask.class.getDeclaredField("task");
        f.setAccessible(true);
        return ((java.util.concurrent.Callable<?>) f.get(t)).call();
    }
}
