package io.jpool;

import java.io.Serializable;
import java.util.function.BiFunction;

/** A {@link BiFunction} that can travel to the {@link Manager} and run there, e.g. {@code Integer::sum}. */
@FunctionalInterface
public interface SerializableBiFunction<T, U, R> extends BiFunction<T, U, R>, Serializable {
}
