package io.jpool;

import java.io.Serializable;
import java.util.function.Function;

/** A {@link Function} that can travel to the {@link Manager} and run there. */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Function<T, R>, Serializable {
}
