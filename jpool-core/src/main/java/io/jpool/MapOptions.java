package io.jpool;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of {@link Pool#map}; immutable, each setter returns a copy:
 * {@code MapOptions.defaults().chunksize(1000).buffersize(64).timeout(Duration.ofMinutes(5)).ordered(false)}.
 */
public final class MapOptions {
    private static final MapOptions DEFAULTS = new MapOptions(1, 0, null, true, null);

    private final int chunksize;
    private final int buffersize;          // 0 = the pool's default
    private final Duration timeout;        // null = no limit
    private final boolean ordered;
    private final ProgressListener progress;

    private MapOptions(int chunksize, int buffersize, Duration timeout, boolean ordered, ProgressListener progress) {
        this.chunksize = chunksize;
        this.buffersize = buffersize;
        this.timeout = timeout;
        this.ordered = ordered;
        this.progress = progress;
    }

    /** Chunks of 1, the pool's default buffer, no deadline, input order, no progress listener. */
    public static MapOptions defaults() {
        return DEFAULTS;
    }

    /** Items per task (one message to a worker process). Must be at least 1. */
    public MapOptions chunksize(int chunksize) {
        if (chunksize < 1) {
            throw new IllegalArgumentException("chunksize must be at least 1, got " + chunksize);
        }
        return new MapOptions(chunksize, buffersize, timeout, ordered, progress);
    }

    /**
     * Chunks in flight at most (submitted and not yet taken by the caller); bounds memory.
     * Must be at least 1. Default: a multiple of the pool's worker count (a ThreadPool keeps 16
     * chunks per worker in flight, at least 64; a ProcessPool 14 per worker, at least 16).
     */
    public MapOptions buffersize(int buffersize) {
        if (buffersize < 1) {
            throw new IllegalArgumentException("buffersize must be at least 1, got " + buffersize);
        }
        return new MapOptions(chunksize, buffersize, timeout, ordered, progress);
    }

    /**
     * One deadline for the whole map, counted from the call to {@code map}, as in Python; past
     * it, iteration throws {@link WaitTimeoutException}. {@code null} means no limit; otherwise it
     * must be positive.
     */
    public MapOptions timeout(Duration timeout) {
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("map timeout must be positive (or null for no limit), got " + timeout);
        }
        return new MapOptions(chunksize, buffersize, timeout, ordered, progress);
    }

    /** {@code true} (default): results in input order; {@code false}: in completion order. */
    public MapOptions ordered(boolean ordered) {
        return new MapOptions(chunksize, buffersize, timeout, ordered, progress);
    }

    /** A listener told of done/total as items finish. */
    public MapOptions onProgress(ProgressListener listener) {
        return new MapOptions(chunksize, buffersize, timeout, ordered,
                Objects.requireNonNull(listener, "progress listener is null"));
    }

    public int chunksize() {
        return chunksize;
    }

    /** The buffer size, or 0 when the pool's default applies. */
    public int buffersize() {
        return buffersize;
    }

    /** The deadline, or {@code null} for none. */
    public Duration timeout() {
        return timeout;
    }

    public boolean ordered() {
        return ordered;
    }

    /** The progress listener, or {@code null}. */
    public ProgressListener progress() {
        return progress;
    }

    @Override
    public String toString() {
        return "MapOptions[chunksize=" + chunksize + ", buffersize=" + (buffersize == 0 ? "default" : buffersize)
                + ", timeout=" + timeout + ", ordered=" + ordered + "]";
    }
}
