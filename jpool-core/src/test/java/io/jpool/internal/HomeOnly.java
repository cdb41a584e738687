package io.jpool.internal;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * A value that cannot be read outside the JVM that made it: its {@code readObject} throws an
 * AssertionError anywhere else (ManagerFaultsTest looks for that name in the failures). The fault
 * tests send it to a worker, a manager or back to the caller to
 * see an Error in a decoder handled as a failure of that one value.
 */
public final class HomeOnly implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long home = ProcessHandle.current().pid();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (ProcessHandle.current().pid() != home) {
            throw new AssertionError("a HomeOnly cannot be read away from its home JVM");
        }
    }
}
