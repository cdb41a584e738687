package io.jpool;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A unit of work that returns a value. A lambda written against this interface is
 * {@link Serializable}, so the same task runs in a {@link ThreadPool} or a {@link ProcessPool}.
 * For a process pool every captured value must be serializable too; a task that is not fails
 * at submit with an {@link IllegalArgumentException} giving the path to the first value that is
 * not serializable, such as {@code task captures arg$2 (com.example.Holder) -> field bar
 * (java.lang.Thread)}: the captured value, then fields, map entries or elements, down to that
 * value's class (the path stops at a JDK class other than a collection or an array, whose fields
 * it does not read).
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Task<T> extends Callable<T>, Serializable {
    @Override
    T call() throws Exception;
}
