package io.jpool.internal.thread;

/** The state of the {@link TaskQueue} jcstress tests: a fresh queue and two tasks to move through it. */
abstract class TwoQueuedTasks {
    final TaskQueue queue = new TaskQueue();
    final PooledTask<Integer> a = PooledTask.of(null, () -> 1, null);
    final PooledTask<Integer> b = PooledTask.of(null, () -> 2, null);

    /** 1 for a, 2 for b, 0 for null (an empty poll). */
    int id(PooledTask<?> t) {
        return t == null ? 0 : t == a ? 1 : t == b ? 2 : 9;
    }
}
