package io.jpool.jcstress.thread;

import io.jpool.internal.future.TaskFuture;
import io.jpool.internal.thread.JcstressAccess;

/** The state of the thread pool's task queue jcstress tests: a fresh queue and two tasks to move through it. */
abstract class TwoQueuedTasks {
    final JcstressAccess.Queue queue = new JcstressAccess.Queue();
    final TaskFuture<Integer> a = JcstressAccess.task(null, () -> 1);
    final TaskFuture<Integer> b = JcstressAccess.task(null, () -> 2);

    /** 1 for a, 2 for b, 0 for null (an empty poll). */
    int id(TaskFuture<?> t) {
        return t == null ? 0 : t == a ? 1 : t == b ? 2 : 9;
    }
}
