package io.jpool.internal.pool;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.PoolFuture;
import io.jpool.ProgressListener;
import io.jpool.TaskFailedException;
import io.jpool.TaskFunction;
import io.jpool.WaitTimeoutException;
import io.jpool.internal.future.TaskFuture;
import io.jpool.internal.jfr.JfrEvents;
import io.jpool.internal.util.Durations;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The lazy, bounded {@code map} shared by every pool.
 *
 * <h2>Implementation overview</h2>
 * The input is cut into {@link MapChunk}s of {@code chunksize} items, each submitted as one task.
 * At most {@code buffersize} chunks are in flight (submitted and not yet handed to the caller):
 * the first {@code buffersize} are submitted by {@code map()} itself; after that one more chunk is
 * read from the input and submitted each time the caller takes a finished chunk. So the input is
 * consumed only as fast as results are taken, and memory stays bounded for endless inputs.
 *
 * <p>Ordered mode keeps the chunks in a FIFO and waits for its head; unordered mode gives each
 * chunk a done-callback that puts it on a completion queue and takes from that. Only the caller's
 * thread touches the FIFO, the input iterator and the current chunk (a MapResult is iterated by
 * one thread); callbacks touch only the completion queue and the progress counter.
 *
 * <p>One deadline, counted from the {@code map()} call, bounds every wait; past it {@code next()}
 * throws {@link WaitTimeoutException} and the chunks go on until {@link #close()} cancels them.
 */
public final class LazyMap<A, R> implements MapResult<R>, Iterator<R> {
    /** A chunk in flight: its future and the index of its first item. */
    private static final class Flight {
        final PoolFuture<Object[]> future;
        final long firstIndex;
        final int size;

        Flight(PoolFuture<Object[]> future, long firstIndex, int size) {
            this.future = future;
            this.firstIndex = firstIndex;
            this.size = size;
        }
    }

    private final Function<MapChunk<A, R>, PoolFuture<Object[]>> submitter;
    private final TaskFunction<? super A, ? extends R> fn;
    private final Iterator<? extends A> source;
    private final int chunksize;
    private final int buffersize;
    private final boolean ordered;
    private final Duration timeout;
    private final long deadline; // valid when timeout != null
    private final ProgressListener progress;
    /** Whether chunks report their end: for a listener, or for a JFR recording of map progress. */
    private final boolean tracked;
    /**
     * Progress is told under this lock, so the listener sees done grow and never the same
     * (done, total) twice, though chunks end in many threads at once. A j.u.c lock, not a
     * monitor: the listener may print, and a virtual thread must not pin.
     */
    private final java.util.concurrent.locks.ReentrantLock progressLock = new java.util.concurrent.locks.ReentrantLock();
    /** Items of chunks done, kept only for a progress listener; under progressLock. */
    private long itemsDone;
    private long reportedDone = -1;     // under progressLock
    private long reportedTotal = -1;    // under progressLock
    private boolean progressFinished;   // under progressLock: (total, total) was told
    /** Items of the chunks the caller took so far; the caller's thread only. */
    private long itemsTaken;
    /**
     * Items in the input, or -1 until known: written by the caller's thread (at the start, or
     * when the input ends), read by the chunks' callbacks as they report progress.
     */
    private volatile long knownTotal;

    private final ArrayDeque<Flight> inFlight = new ArrayDeque<>();               // ordered: FIFO of chunks
    private final LinkedBlockingQueue<Flight> completed = new LinkedBlockingQueue<>(); // unordered
    private int unorderedInFlight;
    /** Unordered chunks not yet taken, so close() can cancel them. */
    private final java.util.Set<Flight> unorderedFlights =
            java.util.Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());

    private long nextIndex;          // index of the next item read from the source
    private boolean sourceDone;
    private boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean iterated = new java.util.concurrent.atomic.AtomicBoolean();

    private Flight current;          // the chunk being handed out
    private Object[] currentResults; // its results, or null if the whole chunk failed
    private Throwable currentError;  // why the whole chunk failed
    private int currentPos;

    /**
     * @param submitter submits one chunk to the pool (the pool's {@code submit})
     * @param defaultBuffersize the pool's default when the options leave it unset
     */
    public LazyMap(Function<MapChunk<A, R>, PoolFuture<Object[]>> submitter,
                   TaskFunction<? super A, ? extends R> fn, Iterable<? extends A> items,
                   MapOptions options, int defaultBuffersize) {
        checkArguments(fn, items, options);
        this.submitter = submitter;
        this.fn = fn;
        this.chunksize = options.chunksize();
        this.buffersize = options.buffersize() > 0 ? options.buffersize() : defaultBuffersize;
        this.ordered = options.ordered();
        this.timeout = options.timeout();
        this.deadline = timeout == null ? 0L : Durations.deadline(timeout);
        this.progress = options.progress();
        this.tracked = progress != null || JfrEvents.mapProgressEnabled();
        this.knownTotal = items instanceof Collection ? ((Collection<?>) items).size() : -1;
        this.source = items.iterator();
        fill();
    }

    // ---------------------------------------------------------------- MapResult

    @Override
    public Iterator<R> iterator() {
        if (!iterated.compareAndSet(false, true)) {
            throw new IllegalStateException("a MapResult can be iterated only once; collect it if you need it twice");
        }
        return this;
    }

    @Override
    public Stream<R> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false)
                .onClose(this::close);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Flight f : inFlight) {
            f.future.cancel(false);
        }
        inFlight.clear();
        if (current != null) {
            current.future.cancel(false);
        }
        current = null;
        for (Flight f : unorderedFlights) {
            f.future.cancel(false);
        }
        unorderedFlights.clear();
    }

    // ---------------------------------------------------------------- Iterator

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (current != null && currentPos < current.size) {
            return true;
        }
        fill();
        return ordered ? !inFlight.isEmpty() : unorderedInFlight > 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException(closed ? "map result was closed" : "no more map results");
        }
        if (current == null || currentPos >= current.size) {
            takeNextChunk();
        }
        int pos = currentPos++;
        long index = current.firstIndex + pos;
        Object[] results = currentResults;
        Throwable chunkError = currentError;
        if (currentPos == current.size) {
            current = null; // let the finished chunk go
            currentResults = null;
            currentError = null;
        }
        if (results == null) {
            throw new TaskFailedException(index, chunkError);
        }
        Object r = results[pos];
        if (r instanceof ItemFailure) {
            throw new TaskFailedException(index, ((ItemFailure) r).error());
        }
        return (R) r;
    }

    // ---------------------------------------------------------------- internals

    /** Waits for the next chunk (head in order, or any done), submits a replacement, makes it current. */
    private void takeNextChunk() {
        Flight f;
        if (ordered) {
            f = inFlight.peekFirst();
            awaitChunk(f);
            inFlight.pollFirst();
        } else {
            f = pollCompleted();
            unorderedInFlight--;
            unorderedFlights.remove(f);
        }
        fill();
        current = f;
        currentPos = 0;
        itemsTaken += f.size;
        try {
            currentResults = f.future.get(); // done: does not block
            currentError = null;
        } catch (ExecutionException e) {
            currentResults = null;
            currentError = e.getCause();
        } catch (CancellationException e) {
            currentResults = null;
            currentError = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            currentResults = null;
            currentError = e;
        }
    }

    private void awaitChunk(Flight f) {
        try {
            if (timeout == null) {
                f.future.get();
            } else {
                f.future.get(Math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            throw timedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a map result");
        } catch (ExecutionException | CancellationException e) {
            // the chunk is done; its failure is reported item by item
        }
    }

    private Flight pollCompleted() {
        try {
            Flight f = completed.poll();
            if (f != null) {
                return f;
            }
            helpOnePending();
            if (timeout == null) {
                f = completed.take();
            } else {
                f = completed.poll(Math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            if (f == null) {
                throw timedOut();
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a map result");
        }
    }

    /**
     * Work helping for unordered maps, which wait on the completion queue rather than in
     * {@code get}: a worker of the pool iterating a map of its own pool runs a pending chunk inline
     * instead of blocking (ordered maps get this from {@code get}).
     */
    private void helpOnePending() {
        for (Flight fl : unorderedFlights) {
            if (fl.future.status() == PoolFuture.Status.PENDING && fl.future instanceof TaskFuture) {
                ((TaskFuture<?>) fl.future).helpIfPending();
                return; // if this thread may run one, it ran it; if not, it may run none
            }
        }
    }

    private WaitTimeoutException timedOut() {
        long done = itemsDoneNow();
        return new WaitTimeoutException("map did not finish within its timeout of " + timeout + " (" + done
                + (done == 1 ? " item" : " items") + " done); the tasks go on: close the MapResult to cancel them");
    }

    /** Items done so far: those taken, and those of chunks done but not taken yet (caller's thread). */
    private long itemsDoneNow() {
        long n = itemsTaken;
        for (Flight f : ordered ? inFlight : unorderedFlights) {
            if (f.future.isDone()) {
                n += f.size;
            }
        }
        return n;
    }

    /** Reads and submits chunks until buffersize are in flight or the input ends. */
    private void fill() {
        while (!sourceDone && !closed && (ordered ? inFlight.size() : unorderedInFlight) < buffersize) {
            Object[] items = new Object[chunksize];
            int n = 0;
            while (n < chunksize && source.hasNext()) {
                items[n++] = source.next();
            }
            if (n < chunksize) {
                sourceDone = true;
                knownTotal = nextIndex + n;
                if (n == 0) {
                    reportProgress(0);
                    return;
                }
                items = java.util.Arrays.copyOf(items, n);
            }
            Flight f = new Flight(submitChunk(new MapChunk<>(fn, items, nextIndex)), nextIndex, n);
            nextIndex += n;
            if (tracked) {
                // only for a listener or a recording: a done-callback makes the chunk's end take the slower path
                // (the listener stack's swap and the callback's claim) and shares one counter
                // among the workers, which in a map of tiny items costs more than the items
                final int size = n;
                f.future.addDoneCallback(done -> reportProgress(size));
            }
            if (ordered) {
                inFlight.addLast(f);
            } else {
                unorderedInFlight++;
                unorderedFlights.add(f);
                f.future.addDoneCallback(done -> completed.add(f));
            }
        }
    }

    /**
     * Submits a chunk. Once the map is under way, a chunk the pool refuses (it broke or was shut
     * down meanwhile) fails its own items, each with its index, in their place: the exception does
     * not surface at an earlier item, whose result would be lost with it.
     */
    private PoolFuture<Object[]> submitChunk(MapChunk<A, R> chunk) {
        try {
            return submitter.apply(chunk);
        } catch (RuntimeException e) {
            if (nextIndex == 0) {
                throw e; // map() itself refuses: nothing was submitted yet
            }
            TaskFuture<Object[]> failed = new TaskFuture<>();
            failed.fail(e);
            return failed;
        }
    }

    /**
     * Adds {@code items} done and tells the listener if that is news: done grew, or the total
     * just became known when every item was already done. So done only grows, no (done, total)
     * is told twice, and (total, total) is told exactly once, last.
     */
    private void reportProgress(int items) {
        if (!tracked) {
            return;
        }
        progressLock.lock();
        try {
            itemsDone += items;
            long done = itemsDone;
            long total = knownTotal;
            if (progressFinished || (done == reportedDone && total == reportedTotal)) {
                return;
            }
            if (done == reportedDone && !(total >= 0 && done == total)) {
                return; // only the total changed, and it is not the end: nothing new to show
            }
            reportedDone = done;
            reportedTotal = total;
            progressFinished = total >= 0 && done == total;
            JfrEvents.mapProgress(done, total);
            if (progress == null) {
                return;
            }
            try {
                progress.onProgress(done, total);
            } catch (RuntimeException e) {
                System.getLogger("io.jpool").log(System.Logger.Level.WARNING, "map progress listener threw", e);
            }
        } finally {
            progressLock.unlock();
        }
    }

    /** The checks every map makes of its arguments, with messages that say what to pass. */
    static void checkArguments(Object fn, Object items, MapOptions options) {
        if (fn == null) {
            throw new NullPointerException("map function is null");
        }
        if (items == null) {
            throw new NullPointerException("map items are null (pass an empty list for no items)");
        }
        if (options == null) {
            throw new NullPointerException("map options are null: use MapOptions.defaults()");
        }
    }
}
