package io.jpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A task ended: succeeded, failed or was cancelled. */
@Name("io.jpool.TaskEnded")
@Label("Task Ended")
@Category({"jpool"})
@Description("A task ended: succeeded, failed or was cancelled.")
@StackTrace(false)
public final class TaskEnded extends jdk.jfr.Event {
    @Label("Pool")
    public String pool;

    @Label("Task Id")
    public long taskId;

    @Label("Task")
    public String task;

    @Label("Outcome")
    @Description("SUCCESS, FAILED or CANCELLED")
    public String outcome;

    @Label("Queue Wait")
    @Description("From submit to start; -1 if it never started")
    @Timespan(Timespan.NANOSECONDS)
    public long queueWait;

    @Label("Run Time")
    @Description("From start to end; -1 if it never started")
    @Timespan(Timespan.NANOSECONDS)
    public long runTime;
}
