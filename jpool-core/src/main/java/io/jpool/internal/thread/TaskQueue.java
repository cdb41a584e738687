package io.jpool.internal.thread;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The thread pool's queue: a lock-free FIFO of {@link PooledTask}s linked through their own
 * {@code next} field, so a submit allocates nothing beyond the task.
 *
 * <h2>Implementation overview</h2>
 * The Michael-Scott queue with a lazy tail, as in {@code ConcurrentLinkedQueue}. {@code head} is
 * a node already taken (at first, a sentinel) whose {@code next} is the first queued task.
 * {@link #offer} walks from {@code tail} to the last node and links the task there with one CAS;
 * it moves {@code tail} only when it found it lagging, two nodes at a time, so most offers do one
 * CAS. {@link #poll} swings {@code head} to its successor with one CAS and returns that
 * successor, which becomes the new head. A node that leaves is linked to itself, so a task the
 * caller still holds does not keep every later task reachable; an offer that meets such a node
 * (the tail fell behind the head) goes on from the tail if it moved, else from the head.
 *
 * <p>{@code head} and {@code tail} live on cache lines of their own ({@link TaskQueueFields}).
 *
 * <p>Tasks are never taken out of the middle: a cancelled task stays until polled and is then
 * skipped by whoever polled it ({@link #isEmpty} skips such tasks at the head).
 */
final class TaskQueue extends TaskQueueFields.Tail {
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(TaskQueueFields.Head.class, "head", PooledTask.class);
            TAIL = l.findVarHandle(TaskQueueFields.Tail.class, "tail", PooledTask.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    TaskQueue() {
        PooledTask<?> sentinel = PooledTask.sentinel();
        head = sentinel;
        tail = sentinel;
    }

    void offer(PooledTask<?> task) {
        for (PooledTask<?> t = tail, p = t;;) {
            PooledTask<?> q = p.next;
            if (q == null) {
                if (PooledTask.NEXT.compareAndSet(p, null, task)) {
                    if (p != t) {
                        TAIL.weakCompareAndSet(this, t, task); // it lagged by one: move it on by two
                    }
                    return;
                }
                // another offer linked first: look at p.next again
            } else if (p == q) {
                p = (t != (t = tail)) ? t : head; // p left the queue: from the new tail, else the head
            } else {
                p = (p != t && t != (t = tail)) ? t : q; // walk on; jump to the tail if it moved
            }
        }
    }

    /** The next task (perhaps one already cancelled), or null if the queue is empty. */
    PooledTask<?> poll() {
        for (;;) {
            PooledTask<?> h = head;
            PooledTask<?> n = h.next;
            if (n == null) {
                return null;
            }
            if (n == h) {
                continue; // h left meanwhile: read the head again
            }
            if (HEAD.compareAndSet(this, h, n)) {
                PooledTask.NEXT.setRelease(h, h); // h left: link it to itself
                return n;
            }
            Thread.onSpinWait(); // another worker took it: back off a moment rather than fight for the line
        }
    }

    /** True if no task waits to start; cancelled tasks at the head are dropped on the way. */
    boolean isEmpty() {
        for (;;) {
            PooledTask<?> h = head;
            PooledTask<?> n = h.next;
            if (n == h) {
                continue;
            }
            if (n == null) {
                return true;
            }
            if (!n.isDone()) {
                return false;
            }
            dropEnded(h, n);
        }
    }

    /**
     * Drops {@code n}, a task seen done right behind the head {@code h}: it ended while queued
     * (cancelled, or run inline by a waiting worker) and nobody will run it. Only if {@code h} is
     * still the head: if {@code n} was taken meanwhile (and then ran, which is why it is done),
     * the head's successor is a later, pending task, which must stay.
     */
    void dropEnded(PooledTask<?> h, PooledTask<?> n) {
        if (HEAD.compareAndSet(this, h, n)) {
            PooledTask.NEXT.setRelease(h, h);
        }
    }
}
