package io.jpool.bench;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The JDK 21+ virtual-thread-per-task executor, found reflectively so this module builds for 17. */
public final class VirtualThreads {
    private VirtualThreads() {
    }

    /** True when this JVM has virtual threads (21+). */
    public static boolean available() {
        return Runtime.version().feature() >= 21;
    }

    /**
     * {@code Executors.newVirtualThreadPerTaskExecutor()}.
     *
     * @throws UnsupportedOperationException on a JVM older than 21
     */
    public static ExecutorService newPerTaskExecutor() {
        if (!available()) {
            throw new UnsupportedOperationException("virtual threads need JDK 21+; this JVM is " + Runtime.version());
        }
        try {
            Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) m.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a virtual-thread executor", e);
        }
    }
}
