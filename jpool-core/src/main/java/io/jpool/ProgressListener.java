package io.jpool;

/**
 * Told of a {@link Pool#map map}'s progress: called after each item finishes (in whatever thread
 * finished it; keep it quick and thread-safe).
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * @param done  items finished so far (succeeded or failed)
     * @param total items known so far; equals the input's size once the input is exhausted, or
     *              -1 while the input has not been read to its end
     */
    void onProgress(long done, long total);
}
