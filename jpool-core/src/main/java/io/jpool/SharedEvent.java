package io.jpool;

import java.io.Serializable;
import java.time.Duration;

/** Python's {@code threading.Event}, living in a {@link Manager}: a flag processes can wait on. */
public interface SharedEvent extends Serializable {
    /** Sets the flag and wakes every waiter. */
    void set();

    /** Clears the flag. */
    void clear();

    boolean isSet();

    /**
     * Waits until the flag is set.
     *
     * @param timeout {@code null} for no limit
     * @return whether the flag is set
     */
    boolean await(Duration timeout) throws InterruptedException;
}
