package io.jpool;

import java.io.PrintStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A console progress bar: count, percentage, rate and time left, as Python's {@code tqdm}.
 * On a terminal it is redrawn in place (with {@code \r}); otherwise (a log, a pipe, an IDE
 * console) it prints a plain line now and then, and the last one. It is a
 * {@link ProgressListener} for {@link Pool#map}, and it can count any iteration, such as
 * {@link Futures#asCompleted}:
 *
 * <pre>{@code
 * pool.map(fn, items, MapOptions.defaults().onProgress(ProgressBar.create("pages")));
 *
 * ProgressBar bar = ProgressBar.create("downloads");
 * for (PoolFuture<Path> f : bar.track(Futures.asCompleted(futures), futures.size())) { ... }
 * }</pre>
 *
 * <p>Thread-safe; a bar is for one run (make a new one for the next). It writes to
 * {@code System.err} unless told otherwise.
 */
public final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;   // in place: at most 10 redraws a second
    private static final long LINE_NANOS = 5_000_000_000L;   // plain lines: one every 5 s at most

    private final String label;
    private final PrintStream out;
    private final boolean inPlace;
    private final LongSupplier clock;
    private final long start;
    private long lastDrawn = Long.MIN_VALUE;
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private int lastWidth;
    private boolean finished;

    ProgressBar(String label, PrintStream out, boolean inPlace, LongSupplier clock) {
        if (label == null) {
            throw new NullPointerException("progress bar label is null (give \"\" for none)");
        }
        if (out == null) {
            throw new NullPointerException("progress bar output is null");
        }
        this.label = label;
        this.out = out;
        this.inPlace = inPlace;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /**
     * A bar on {@code System.err}, redrawn in place when this JVM has a terminal
     * ({@code System.console() != null}), plain lines otherwise.
     *
     * @param label what is counted, shown before the bar
     */
    public static ProgressBar create(String label) {
        return new ProgressBar(label, System.err, System.console() != null, System::nanoTime);
    }

    /**
     * A bar on {@code out}.
     *
     * @param inPlace redraw one line with {@code \r} (for a terminal), or print plain lines
     */
    public static ProgressBar to(PrintStream out, String label, boolean inPlace) {
        return new ProgressBar(label, out, inPlace, System::nanoTime);
    }

    /**
     * Counts {@code items} as they are iterated: each {@code next()} adds one.
     *
     * @param total how many there will be, or -1 if unknown
     */
    public <T> Iterable<T> track(Iterable<T> items, long total) {
        if (items == null) {
            throw new NullPointerException("items to track are null");
        }
        if (total < -1) {
            throw new IllegalArgumentException("total must be -1 (unknown) or at least 0, got " + total);
        }
        return () -> new Iterator<>() {
            private final Iterator<T> it = items.iterator();
            private long done;

            @Override
            public boolean hasNext() {
                boolean more = it.hasNext();
                if (!more && total < 0) {
                    onProgress(done, done); // the end is known now
                }
                return more;
            }

            @Override
            public T next() {
                T t = it.next();
                onProgress(++done, total);
                return t;
            }
        };
    }

    @Override
    public void onProgress(long done, long total) {
        lock.lock(); // a j.u.c lock, not a monitor: a virtual thread that prints here must not pin
        try {
            draw(done, total);
        } finally {
            lock.unlock();
        }
    }

    private void draw(long done, long total) {
        if (finished) {
            return;
        }
        long now = clock.getAsLong();
        boolean last = total >= 0 && done >= total;
        if (!last && lastDrawn != Long.MIN_VALUE && now - lastDrawn < (inPlace ? REDRAW_NANOS : LINE_NANOS)) {
            return;
        }
        lastDrawn = now;
        String line = line(done, total, now - start);
        if (inPlace) {
            int pad = Math.max(0, lastWidth - line.length());
            out.print("\r" + line + " ".repeat(pad) + (last ? System.lineSeparator() : ""));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
        finished = last;
    }

    /** "label [#########...............]  523/1000  52%  312/s  ETA 0:02". */
    String line(long done, long total, long elapsedNanos) {
        StringBuilder b = new StringBuilder();
        if (!label.isEmpty()) {
            b.append(label).append(' ');
        }
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            b.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
            b.append(done).append('/').append(total).append(' ');
            b.append(String.format(Locale.ROOT, "%3d%%", done * 100 / total));
        } else {
            b.append(done).append(total == 0 ? "/0" : "");
        }
        b.append("  ").append(rate(rate));
        if (total > 0 && done < total) {
            b.append("  ETA ").append(rate > 0 ? hms((long) ((total - done) / rate)) : "?");
        } else if (total >= 0 && done >= total) {
            b.append("  in ").append(hms((long) seconds));
        }
        return b.toString();
    }

    private static String rate(double perSecond) {
        if (perSecond >= 100) {
            return String.format(Locale.ROOT, "%.0f/s", perSecond);
        }
        return String.format(Locale.ROOT, "%.1f/s", perSecond);
    }

    private static String hms(long seconds) {
        long h = seconds / 3600;
        long m = (seconds / 60) % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
