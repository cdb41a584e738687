package io.jpool;

/**
 * Told of a {@link Pool#map map}'s progress: called after each chunk of items finishes, in
 * whatever thread finished it, one call at a time (keep it quick). {@link ProgressBar} is a
 * ready-made one.
 *
 * <p>{@code done} only grows and no {@code (done, total)} is told twice; a map that runs to its
 * end tells {@code (total, total)} exactly once, last. When the input is not a
 * {@link java.util.Collection}, {@code total} is -1 until its end is read: if every item was done
 * by then, the last {@code done} is told once more, with the total.
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
