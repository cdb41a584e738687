package io.jpool;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A unit of work that returns a value. A lambda written against this interface is
 * {@link Serializable}, so the same task runs in a {@link ThreadPool} or a {@link ProcessPool}.
 * For a process pool every captured value must be serializable too; a task that is not fails
 * at submit with a message naming the path from the task to the first value that is not (its
 * captures and fields, collections and arrays by their elements; a JDK class counts as a
 * whole).
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Task<T> extends Callable<T>, Serializable {
    @Override
    T call() throws Exception;
}
