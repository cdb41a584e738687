package io.jpool;

import java.util.Set;

/**
 * What {@link Futures#waitFor} returns: the futures that were done and those that were not.
 *
 * @param done    done futures (succeeded, failed or cancelled)
 * @param notDone the others
 */
public record DoneAndNotDone<T>(Set<PoolFuture<T>> done, Set<PoolFuture<T>> notDone) {
    public DoneAndNotDone {
        done = Set.copyOf(done);
        notDone = Set.copyOf(notDone);
    }
}
