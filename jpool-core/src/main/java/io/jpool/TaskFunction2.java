package io.jpool;

import java.io.Serializable;

/**
 * A function of two arguments for {@link Pool#starmap}: Python's {@code starmap} over pairs.
 * Serializable, as {@link TaskFunction}; it may throw any exception, which fails only the pair it
 * was applied to.
 *
 * @param <A> the first argument's type
 * @param <B> the second argument's type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskFunction2<A, B, R> extends Serializable {
    /**
     * Applies the function.
     *
     * @param a the first argument (a pair's key)
     * @param b the second argument (a pair's value)
     * @return the result
     * @throws Exception anything; it fails this pair only
     */
    R apply(A a, B b) throws Exception;
}
