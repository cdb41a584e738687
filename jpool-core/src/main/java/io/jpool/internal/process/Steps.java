package io.jpool.internal.process;

import java.util.List;

/**
 * Runs the steps that end a worker's or a task's life (count a worker out, fail a task, launch a
 * replacement) so that each runs even when an earlier one throws, an Error included: a step
 * skipped would leave a worker counted, or a task running, with no thread left to end it, and
 * {@code close()} would wait for ever.
 */
final class Steps {
    private Steps() {
    }

    /**
     * Runs every step, even when one throws; then throws {@code failure}, or the first step's
     * throwable, if any (an unchecked one as it is, a checked one wrapped).
     */
    static void runEach(List<Runnable> steps, Throwable failure) {
        Throwable first = failure;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (Throwable e) {
                if (first == null) {
                    first = e;
                } else if (first != e) {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof Error) {
            throw (Error) first;
        }
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }
}
