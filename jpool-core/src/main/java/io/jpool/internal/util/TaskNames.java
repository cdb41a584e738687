package io.jpool.internal.util;

import java.time.Duration;

/**
 * How messages name a task, the same way in every pool: by what the user wrote (a lambda in
 * which class, or the task's class), never by a lambda's generated {@code toString}.
 */
public final class TaskNames {
    private TaskNames() {
    }

    /** "a lambda in com.x.Report", or the task's class name; a JDK Callable/Runnable is unwrapped. */
    public static String describe(Object task) {
        Object adapted = JdkTasks.adaptedFrom(task);
        Object t = adapted != null ? adapted : task;
        if (t == null) {
            return "null";
        }
        String name = t.getClass().getName();
        int lambda = name.indexOf("$$Lambda");
        return lambda > 0 ? "a lambda in " + name.substring(0, lambda) : name;
    }

    /**
     * The one form of a task time-out message in every pool:
     * "task (a lambda in com.x.Report) ran past its time limit of PT2S; {@code consequence}".
     */
    public static String timedOut(Object task, Duration limit, String consequence) {
        return "task (" + describe(task) + ") ran past its time limit of " + limit + "; " + consequence;
    }
}
