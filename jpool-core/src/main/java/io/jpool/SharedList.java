package io.jpool;

import java.io.Serializable;
import java.util.List;

/**
 * A list that lives in a {@link Manager}, shared by threads and worker processes. Each call is
 * atomic; elements travel by serialization, so reads are copies.
 */
public interface SharedList<E> extends Serializable {
    /** Appends {@code e}. */
    void add(E e);

    E get(int index);

    /** Replaces the element at {@code index}; returns the previous one. */
    E set(int index, E e);

    /** Removes the element at {@code index}; returns it. */
    E remove(int index);

    int size();

    /** A copy of the whole list, taken atomically. */
    List<E> snapshot();
}
