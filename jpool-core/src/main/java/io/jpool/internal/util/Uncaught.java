package io.jpool.internal.util;

/**
 * Reports a failure nobody holds a future for (a task given to {@code execute}) as a
 * {@code ThreadPoolExecutor} does: to this thread's uncaught-exception handler, which is the
 * thread's own, else its group's (the default handler if one is set, else standard error).
 */
public final class Uncaught {
    private Uncaught() {
    }

    /** Hands {@code t} to this thread's handler; a handler that throws changes nothing here. */
    public static void report(Throwable t) {
        Thread self = Thread.currentThread();
        try {
            self.getUncaughtExceptionHandler().uncaughtException(self, t);
        } catch (Throwable ignored) {
            // a handler that throws must not change how its task, or the thread reporting it, goes on
        }
    }
}
