package io.jpool.internal.thread;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The intrusive queue under contention: every task comes out once, each producer's in order. */
class TaskQueueTest {

    private static PooledTask<Integer> task(int producer, int seq) {
        return PooledTask.of(null, () -> producer * 1_000_000 + seq, null);
    }

    @Test
    void fifoAloneAndEmptyAfterwards() throws Exception {
        TaskQueue q = new TaskQueue();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
        List<PooledTask<Integer>> in = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            in.add(task(0, i));
            q.offer(in.get(i));
        }
        assertThat(q.isEmpty()).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(q.poll()).isSameAs(in.get(i));
        }
        assertThat(q.poll()).isNull();
        assertThat(q.isEmpty()).isTrue();
        q.releaseTaken();
        for (int i = 0; i < 5; i++) {
            assertThat(q.takeSegment.slots[i]).as("a taken task is not kept by an idle queue").isNull();
        }
    }

    @Test
    void isEmptyDropsTasksThatEndedWhileQueued() {
        TaskQueue q = new TaskQueue();
        PooledTask<Integer> a = task(0, 0);
        PooledTask<Integer> b = task(0, 1);
        q.offer(a);
        q.offer(b);
        assertThat(a.cancel(false)).isTrue();
        assertThat(q.isEmpty()).as("b still waits").isFalse();
        assertThat(q.poll()).isSameAs(b);
        assertThat(b.cancel(false)).isTrue();
        q.offer(task(0, 2));
        assertThat(q.poll()).isNotNull();
        PooledTask<Integer> c = task(0, 3);
        q.offer(c);
        c.cancel(false);
        assertThat(q.isEmpty()).as("only a cancelled task was left").isTrue();
        assertThat(q.poll()).isNull();
    }

    @RepeatedTest(30)
    void producersAndConsumersAtOnceLoseAndRepeatNothing() throws Exception {
        int producers = 3;
        int consumers = 3;
        int perProducer = 20_000;
        TaskQueue q = new TaskQueue();
        CyclicBarrier start = new CyclicBarrier(producers + consumers);
        AtomicInteger produced = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(producers + consumers);
        try {
            List<Future<List<PooledTask<?>>>> taken = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int id = p;
                threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        q.offer(task(id, i));
                        produced.incrementAndGet();
                    }
                    return null;
                });
            }
            for (int c = 0; c < consumers; c++) {
                taken.add(threads.submit(() -> {
                    start.await();
                    List<PooledTask<?>> mine = new ArrayList<>();
                    for (;;) {
                        PooledTask<?> t = q.poll();
                        if (t != null) {
                            mine.add(t);
                        } else if (produced.get() == producers * perProducer && q.isEmpty()) {
                            return mine;
                        }
                    }
                }));
            }
            Map<PooledTask<?>, Boolean> seen = new IdentityHashMap<>();
            int[] lastSeq = new int[producers * consumers];
            java.util.Arrays.fill(lastSeq, -1);
            int total = 0;
            for (int c = 0; c < consumers; c++) {
                for (PooledTask<?> t : taken.get(c).get(60, TimeUnit.SECONDS)) {
                    assertThat(seen.put(t, true)).as("taken twice").isNull();
                    // what one consumer takes from one producer comes in that producer's order
                    int v = (Integer) ((java.util.concurrent.Callable<?>) field(t)).call();
                    int producer = v / 1_000_000;
                    int seq = v % 1_000_000;
                    int slot = c * producers + producer;
                    assertThat(seq).isGreaterThan(lastSeq[slot]);
                    lastSeq[slot] = seq;
                    total++;
                }
            }
            assertThat(total).isEqualTo(producers * perProducer);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * isEmpty drops a done task at the index it read. If a worker took that task meanwhile and
     * ran it (so it is done), the task now at the next index is a later, pending one, and must
     * stay (the linked queue before this one once dropped it, losing a task for good). Replayed
     * step by step: isEmpty's read, a worker's poll and run, isEmpty's drop.
     */
    @Test
    void aDoneTaskIsDroppedOnlyFromTheIndexItWasSeenAt() {
        TaskQueue q = new TaskQueue();
        PooledTask<Integer> first = task(0, 0);
        PooledTask<Integer> pending = task(0, 1);
        q.offer(first);
        q.offer(pending);
        TaskQueue.Segment segmentSeen = q.takeSegment; // isEmpty reads the index and its task
        long indexSeen = q.takeIndex;
        assertThat(segmentSeen.slots[(int) indexSeen]).isSameAs(first);
        assertThat(q.poll()).isSameAs(first);          // meanwhile a worker takes it and runs it
        first.cancel(false);
        q.dropEnded(segmentSeen, indexSeen);           // isEmpty saw it done and drops it...
        assertThat(q.isEmpty()).isFalse();             // ...but not the task after it
        assertThat(q.poll()).isSameAs(pending);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void takenSlotsAreClearedALineAtATime() {
        TaskQueue q = new TaskQueue();
        for (int i = 0; i < 40; i++) {
            q.offer(task(0, i));
        }
        for (int i = 0; i < 20; i++) {
            assertThat(q.poll()).isNotNull();
        }
        PooledTask<?>[] slots = q.takeSegment.slots;
        for (int i = 0; i < 16; i++) {
            assertThat(slots[i]).as("slot %d of a line fully taken", i).isNull();
        }
        assertThat(slots[16]).as("taken, its line not yet: cleared later").isNotNull();
        assertThat(slots[20]).as("not taken").isNotNull();
        q.releaseTaken();
        for (int i = 16; i < 20; i++) {
            assertThat(slots[i]).isNull();
        }
        assertThat(slots[20]).as("releaseTaken leaves the waiting tasks").isNotNull();
        assertThat(q.poll()).isSameAs(slots[20]);
    }

    @Test
    void fifoAcrossSegmentsAndTheTakenOnesAreLetGo() {
        TaskQueue q = new TaskQueue();
        int n = 3 * TaskQueue.SEGMENT_SIZE + 5;
        List<PooledTask<Integer>> in = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            in.add(task(0, i));
            q.offer(in.get(i));
        }
        assertThat(q.putSegment.first).isEqualTo(3L * TaskQueue.SEGMENT_SIZE);
        TaskQueue.Segment firstSegment = q.takeSegment;
        for (int i = 0; i < n; i++) {
            assertThat(q.poll()).isSameAs(in.get(i));
        }
        assertThat(firstSegment.slots).as("a segment taken to its end drops its array").isNull();
        assertThat(firstSegment.next.slots).isNull();
        assertThat(q.poll()).isNull();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.takeSegment.first).as("segments behind the takers are dropped")
                .isEqualTo(3L * TaskQueue.SEGMENT_SIZE);
    }

    /**
     * An offer claims its index and then stores the task; a poll that comes in between must wait
     * for the task rather than say the queue is empty (a worker would then park with a task
     * queued). The claim and the store are done by hand here, with the poll in between.
     */
    @Test
    void aPollBetweenAnOffersClaimAndStoreWaitsForTheTask() throws Exception {
        TaskQueue q = new TaskQueue();
        q.putIndex = 1; // an offer claimed index 0 and has not stored yet
        assertThat(q.isEmpty()).as("a task is coming").isFalse();
        ExecutorService poller = Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.CountDownLatch polling = new java.util.concurrent.CountDownLatch(1);
            Future<PooledTask<?>> polled = poller.submit(() -> {
                polling.countDown();
                return q.poll();
            });
            assertThat(polling.await(10, TimeUnit.SECONDS)).isTrue();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> polled.get(200, TimeUnit.MILLISECONDS))
                    .as("the poll waits for the claimed slot").isInstanceOf(java.util.concurrent.TimeoutException.class);
            PooledTask<Integer> t = task(0, 0);
            q.putSegment.slots[0] = t; // the offer's store
            assertThat(polled.get(10, TimeUnit.SECONDS)).isSameAs(t);
            assertThat(q.poll()).isNull();
        } finally {
            poller.shutdownNow();
        }
    }

    /**
     * pollStored, the workers' hot-loop poll, never waits for a claimed slot (it does not look at
     * the submitters' index), but takes stored tasks in order, and isEmpty still counts the
     * claimed one, so a worker that ends with poll/isEmpty before it idles loses nothing.
     */
    @Test
    void pollStoredTakesStoredTasksAndLeavesAClaimedSlotToPoll() {
        TaskQueue q = new TaskQueue();
        PooledTask<Integer> first = task(0, 0);
        q.offer(first);
        q.putIndex = 2; // a second offer claimed index 1 and has not stored yet
        assertThat(q.pollStored()).isSameAs(first);
        assertThat(q.pollStored()).as("nothing stored at the claimed index").isNull();
        assertThat(q.isEmpty()).as("a task is coming").isFalse();
        PooledTask<Integer> second = task(1, 1);
        q.putSegment.slots[1] = second; // the offer's store
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.pollStored()).isSameAs(second);
        assertThat(q.pollStored()).isNull();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
    }

    private static Object field(PooledTask<?> t) throws Exception {
        java.lang.reflect.Field f = PooledTask.class.getDeclaredField("task");
        f.setAccessible(true);
        return f.get(t);
    }
}
