package io.jpool.internal.pool;

import io.jpool.TaskFunction;
import io.jpool.TaskFunction2;

import java.util.Iterator;
import java.util.Map;

/**
 * {@code starmap} as a plain {@code map}: each pair becomes a two-element {@code Object[]} (which
 * a process pool sends in its compact encoding, where a {@code Map.Entry} may not even be
 * serializable), and the function is wrapped to spread it into two arguments. The pairs are read
 * lazily, as {@code map} reads its items.
 */
public final class StarMap {
    private StarMap() {
    }

    /** The pairs as argument arrays, read as the map reads them. */
    public static <A, B> Iterable<Object[]> arguments(Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs) {
        if (pairs == null) {
            throw new NullPointerException("starmap pairs are null (pass an empty list for no pairs)");
        }
        return () -> new Iterator<>() {
            private final Iterator<? extends Map.Entry<? extends A, ? extends B>> it = pairs.iterator();

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Object[] next() {
                Map.Entry<? extends A, ? extends B> e = it.next();
                if (e == null) {
                    throw new NullPointerException("a starmap pair is null: give Map.entry(a, b) for every item");
                }
                return new Object[] {e.getKey(), e.getValue()};
            }
        };
    }

    /** {@code fn} applied to an argument array made by {@link #arguments}. */
    public static <A, B, R> TaskFunction<Object[], R> spread(TaskFunction2<? super A, ? super B, ? extends R> fn) {
        if (fn == null) {
            throw new NullPointerException("starmap function is null");
        }
        return new Spread<>(fn);
    }

    /** Serializable, so a process pool ships it like any map function. */
    private static final class Spread<A, B, R> implements TaskFunction<Object[], R> {
        private static final long serialVersionUID = 1L;
        private final TaskFunction2<? super A, ? super B, ? extends R> fn;

        Spread(TaskFunction2<? super A, ? super B, ? extends R> fn) {
            this.fn = fn;
        }

        @Override
        @SuppressWarnings("unchecked")
        public R apply(Object[] args) throws Exception {
            return fn.apply((A) args[0], (B) args[1]);
        }
    }
}
