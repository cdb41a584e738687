package io.jpool.internal.future;

import io.jpool.DoneAndNotDone;
import io.jpool.PoolFuture;
import io.jpool.ReturnWhen;
import io.jpool.WaitTimeoutException;
import io.jpool.internal.util.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code asCompleted} and {@code waitFor}, built on done-callbacks.
 *
 * <h2>Implementation overview</h2>
 * The distinct futures (by identity) are split into those already done, in the caller's order,
 * and the rest; each of the rest gets a done-callback that puts it on a queue. Waiting is a
 * timed {@code poll} of that queue, so a cancelled future (done at once) wakes the waiter like
 * any other, and nothing polls or spins. Before blocking, a pool worker runs one still-pending
 * future of its own pool inline (work helping, as in {@code get}).
 */
public final class CompletionWaiter<T> {
    private final List<PoolFuture<T>> alreadyDone = new ArrayList<>();
    private final List<PoolFuture<T>> notYetDone = new ArrayList<>();
    private final LinkedBlockingQueue<PoolFuture<T>> completions = new LinkedBlockingQueue<>();
    private int helpCursor; // notYetDone before it are not PENDING

    private CompletionWaiter(Collection<? extends PoolFuture<T>> fs) {
        if (fs == null) {
            throw new NullPointerException("futures collection is null");
        }
        Set<PoolFuture<T>> seen = Collections.newSetFromMap(new IdentityHashMap<>(fs.size())); // no rehash
        for (PoolFuture<T> f : fs) {
            if (f == null) {
                throw new NullPointerException("the futures collection contains null");
            }
            if (seen.add(f)) {
                (f.isDone() ? alreadyDone : notYetDone).add(f);
            }
        }
        for (PoolFuture<T> f : notYetDone) {
            f.addDoneCallback(completions::add);
        }
    }

    private int total() {
        return alreadyDone.size() + notYetDone.size();
    }

    /** Next completed future of the not-yet-done ones, or null past the deadline. */
    private PoolFuture<T> poll(Long deadline) throws InterruptedException {
        PoolFuture<T> ready = completions.poll();
        if (ready != null) {
            return ready;
        }
        helpOnePending();
        if (deadline == null) {
            return completions.take();
        }
        long left = deadline - System.nanoTime();
        return left <= 0 ? completions.poll() : completions.poll(left, TimeUnit.NANOSECONDS);
    }

    /**
     * Work helping, as {@code get} does: a pool worker about to block here runs a still-pending
     * future of its own pool inline, so waiting on futures of one's own pool never deadlocks it.
     * A future leaves PENDING for good, so the cursor only moves forward; it stops at a pending
     * future this thread may not run (then the thread simply blocks).
     */
    private void helpOnePending() {
        while (helpCursor < notYetDone.size()) {
            PoolFuture<T> f = notYetDone.get(helpCursor);
            if (f.status() == PoolFuture.Status.PENDING && f instanceof TaskFuture) {
                ((TaskFuture<?>) f).helpIfPending();
                if (f.status() == PoolFuture.Status.PENDING) {
                    return; // not ours to run
                }
                helpCursor++;
                return; // ran it (or it started elsewhere meanwhile)
            }
            helpCursor++;
        }
    }

    private static Long deadlineOf(Duration timeout) {
        return timeout == null ? null : Durations.deadline(timeout);
    }

    /** See {@link io.jpool.Futures#asCompleted(Collection, Duration)}. */
    public static <T> Iterable<PoolFuture<T>> asCompleted(Collection<? extends PoolFuture<T>> fs, Duration timeout) {
        Long deadline = deadlineOf(timeout);
        CompletionWaiter<T> w = new CompletionWaiter<>(fs);
        Iterator<PoolFuture<T>> it = new Iterator<>() {
            private int yielded;
            private final Iterator<PoolFuture<T>> done = w.alreadyDone.iterator();

            @Override
            public boolean hasNext() {
                return yielded < w.total();
            }

            @Override
            public PoolFuture<T> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("every future has been yielded");
                }
                PoolFuture<T> f;
                if (done.hasNext()) {
                    f = done.next();
                } else {
                    try {
                        f = w.poll(deadline);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new WaitTimeoutException("interrupted while waiting in asCompleted", e);
                    }
                    if (f == null) {
                        throw new WaitTimeoutException((w.total() - yielded) + " (of " + w.total()
                                + ") futures unfinished after " + timeout);
                    }
                }
                yielded++;
                return f;
            }
        };
        return () -> it;
    }

    /** See {@link io.jpool.Futures#waitFor}. */
    public static <T> DoneAndNotDone<T> waitFor(Collection<? extends PoolFuture<T>> fs, Duration timeout,
                                                ReturnWhen when) throws InterruptedException {
        if (when == null) {
            throw new NullPointerException("returnWhen is null: use FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED");
        }
        Long deadline = deadlineOf(timeout);
        CompletionWaiter<T> w = new CompletionWaiter<>(fs);
        // the futures are distinct and each not-yet-done one is queued once: a count is enough
        int done = w.alreadyDone.size();
        boolean failed = false;
        for (PoolFuture<T> f : w.alreadyDone) {
            if (f.status() == PoolFuture.Status.FAILED) {
                failed = true;
                break;
            }
        }
        while (!satisfied(when, done, w.total(), failed)) {
            PoolFuture<T> f = w.poll(deadline);
            if (f == null) {
                break;
            }
            done++;
            failed |= f.status() == PoolFuture.Status.FAILED;
        }
        // futures that finished meanwhile count as done too, as in Python; the sets are built once
        // (the record keeps an immutable set as it is)
        List<PoolFuture<T>> doneOut = new ArrayList<>(w.total());
        List<PoolFuture<T>> notDoneOut = new ArrayList<>();
        doneOut.addAll(w.alreadyDone);
        for (PoolFuture<T> f : w.notYetDone) {
            (f.isDone() ? doneOut : notDoneOut).add(f);
        }
        return new DoneAndNotDone<>(Set.copyOf(doneOut), Set.copyOf(notDoneOut));
    }

    private static boolean satisfied(ReturnWhen when, int done, int total, boolean failed) {
        switch (when) {
            case FIRST_COMPLETED: return done > 0 || total == 0;
            case FIRST_EXCEPTION: return failed || done == total;
            default: return done == total;
        }
    }
}
