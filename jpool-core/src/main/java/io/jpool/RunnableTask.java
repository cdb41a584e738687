package io.jpool;

import java.io.Serializable;

/**
 * A unit of work with no result: a serializable {@link Runnable}, so it can run in a worker
 * process as well as in a thread.
 */
@FunctionalInterface
public interface RunnableTask extends Runnable, Serializable {
    @Override
    void run();
}
