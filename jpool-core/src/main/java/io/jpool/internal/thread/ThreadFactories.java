package io.jpool.internal.thread;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

/**
 * Makes the pool's threads: platform threads, or virtual threads on JDK 21+ found reflectively
 * (the bytecode targets 17, where {@code Thread.ofVirtual()} does not exist).
 */
final class ThreadFactories {
    private ThreadFactories() {
    }

    static ThreadFactory platform() {
        return r -> {
            Thread t = new Thread(r);
            // an idle worker never keeps the JVM alive; the pool's ExitGuard does while work is unfinished
            t.setDaemon(true);
            return t;
        };
    }

    /** A factory of unstarted virtual threads; IllegalStateException before JDK 21. */
    static ThreadFactory virtual() {
        try {
            MethodHandles.Lookup l = MethodHandles.publicLookup();
            Class<?> builderClass = Class.forName("java.lang.Thread$Builder");
            MethodHandle ofVirtual = l.findStatic(Thread.class, "ofVirtual",
                    MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual")));
            MethodHandle factory = l.findVirtual(builderClass, "factory", MethodType.methodType(ThreadFactory.class));
            return (ThreadFactory) factory.invoke(ofVirtual.invoke());
        } catch (Throwable e) {
            throw new IllegalStateException("virtual threads need JDK 21 or newer; this JVM is " + Runtime.version(), e);
        }
    }
}
