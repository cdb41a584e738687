package io.jpool.internal.manager;

import io.jpool.SharedCounter;
import io.jpool.SharedEvent;
import io.jpool.SharedLock;
import io.jpool.SharedQueue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ThreadPoolExecutor;

import static io.jpool.internal.manager.ManagerFaultsTest.runWithin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which calls the manager runs on the connection's reader thread (never waiting, so they need no
 * handler thread and no interrupt) and which on a handler thread (they may wait).
 */
class InlineCallsTest {

    @Test
    void aCallToldNotToWaitIsQuickAndOneThatMayWaitNever() {
        assertThat(Op.QueueOp.POLL.quick(new Object[] {-1L})).isTrue();
        assertThat(Op.QueueOp.POLL.quick(new Object[] {0L})).isTrue();
        assertThat(Op.QueueOp.OFFER.quick(new Object[] {"e", -1L})).isTrue();
        assertThat(Op.LockOp.TRY_LOCK.quick(new Object[] {0L})).isTrue();
        assertThat(Op.EventOp.AWAIT.quick(new Object[] {0L})).isTrue();

        assertThat(Op.QueueOp.POLL.quick(new Object[] {null})).as("take").isFalse();
        assertThat(Op.QueueOp.POLL.quick(new Object[] {1L})).as("poll with a timeout").isFalse();
        assertThat(Op.QueueOp.OFFER.quick(new Object[] {"e", null})).as("put").isFalse();
        assertThat(Op.QueueOp.OFFER.quick(new Object[] {-1L, 5L})).as("an element that looks like a timeout").isFalse();
        assertThat(Op.LockOp.TRY_LOCK.quick(new Object[] {null})).as("lock").isFalse();
        assertThat(Op.LockOp.TRY_LOCK.quick(new Object[] {1L})).isFalse();
        assertThat(Op.EventOp.AWAIT.quick(new Object[] {null})).isFalse();
        assertThat(Op.QueueOp.POLL.quick(new Object[] {-1L, -1L})).as("wrong arity").isFalse();
        assertThat(Op.QueueOp.POLL.quick(null)).isFalse();
        assertThat(Op.QueueOp.POLL.quick(new Object[] {"-1"})).as("not a Long").isFalse();
        assertThat(Op.MapOp.COMPUTE.quick(new Object[] {"k", 0L})).as("runs user code").isFalse();
    }

    @Test
    void remoteCallsToldNotToWaitRunOnTheReaderAndOnlyThoseThatMayWaitGetAHandler() throws Exception {
        try (ManagerImpl m = new ManagerImpl()) {
            SharedQueue<String> q = m.queue("q", 1);
            SharedLock lock = m.lock("l");
            SharedEvent event = m.event("e");
            SharedCounter counter = m.counter("c");
            ThreadPoolExecutor handlers = (ThreadPoolExecutor) m.server().handlers;
            String seen = runWithin(() -> {
                StringBuilder out = new StringBuilder();
                out.append(q.offer("a")).append(q.offer("b")).append(' ');
                out.append(q.poll()).append(q.poll()).append(' ');
                out.append(q.offer("c", Duration.ZERO)).append(q.poll(Duration.ZERO)).append(' ');
                out.append(lock.tryLock(Duration.ZERO)).append(' ');
                lock.unlock();
                out.append(event.await(Duration.ZERO)).append(' ');
                out.append(counter.incrementAndGet()).append(' ');
                q.put("d"); // may wait: a handler
                out.append(q.take()); // may wait: a handler
                return out.toString();
            });
            assertThat(seen).isEqualTo("truefalse anull truec true false 1 d");
            assertThat(handlers.getTaskCount()).as("only put and take went to a handler thread").isEqualTo(2);
            assertThat(q.size()).isZero();
            assertThat(lock.isLocked()).isFalse();
        }
    }
}
