package io.jpool.internal.pool;

import java.io.Serializable;

/** The slot of a map item whose function threw: carries the exception back with the chunk. */
public final class ItemFailure implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Throwable error;

    public ItemFailure(Throwable error) {
        this.error = error;
    }

    public Throwable error() {
        return error;
    }
}
