package io.jpool;

import java.io.Serializable;

/**
 * The function applied to each item by {@link Pool#map}. Serializable, so a process pool can
 * ship it to its workers (encoded once per map, sent with each chunk, decoded once per worker);
 * it may throw any exception, which fails only the item it was applied to.
 *
 * @param <A> the item type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskFunction<A, R> extends Serializable {
    R apply(A arg) throws Exception;
}
