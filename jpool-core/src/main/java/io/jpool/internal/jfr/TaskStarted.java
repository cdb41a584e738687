package io.jpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A task was sent to a worker to run. */
@Name("io.jpool.TaskStarted")
@Label("Task Started")
@Category({"jpool"})
@Description("A task was sent to a worker to run.")
@StackTrace(false)
@Enabled(false) // one or more per task or chunk: a recording turns it on when it wants it
public final class TaskStarted extends jdk.jfr.Event {
    @Label("Pool")
    public String pool;

    @Label("Task Id")
    public long taskId;

    @Label("Worker Pid")
    public long workerPid;

    @Label("Queue Wait")
    @Timespan(Timespan.NANOSECONDS)
    public long queueWait;
}
