package io.jpool.internal.util;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every thread jpool makes: a thread pool's workers (platform threads, or virtual threads on JDK
 * 21+ found reflectively, as the bytecode targets 17) and jpool's own background threads
 * (readers, pumps, acceptors, the timer). All are daemons, so none of them is ever what keeps a
 * user's JVM alive; a pool's unfinished work is kept alive by its ExitGuard instead. Background
 * threads are named, so a thread dump says whose each is.
 */
public final class ThreadFactories {
    private ThreadFactories() {
    }

    /** A factory of daemon platform threads, for a thread pool's workers. */
    public static ThreadFactory platform() {
        return r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        };
    }

    /** A factory of unstarted virtual threads; IllegalStateException before JDK 21. */
    public static ThreadFactory virtual() {
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

    /** An unstarted daemon thread named {@code name}. */
    public static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts and returns a daemon thread named {@code name}. */
    public static Thread startDaemon(String name, Runnable body) {
        Thread t = daemon(name, body);
        t.start();
        return t;
    }

    /** A factory of daemon threads named {@code prefix}, then "-1", "-2"... after the first. */
    public static ThreadFactory daemons(String prefix) {
        AtomicInteger made = new AtomicInteger();
        return r -> {
            int n = made.getAndIncrement();
            return daemon(n == 0 ? prefix : prefix + "-" + n, r);
        };
    }
}
