package io.jpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A task was submitted to a pool. */
@Name("io.jpool.TaskQueued")
@Label("Task Queued")
@Category({"jpool"})
@Description("A task was submitted to a pool.")
@StackTrace(false)
@Enabled(false) // one or more per task or chunk: a recording turns it on when it wants it
public final class TaskQueued extends jdk.jfr.Event {
    @Label("Pool")
    public String pool;

    @Label("Task Id")
    public long taskId;

    @Label("Task")
    public String task;
}
