package io.jpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A ThreadPool task ran: the event's start and duration are the task's run on its worker thread,
 * with the pool, the task, its outcome and how long it waited in the queue.
 */
@Name("io.jpool.ThreadTaskRun")
@Label("Thread Pool Task")
@Category({"jpool"})
@Description("A ThreadPool task ran on a worker thread: its run time is the event's duration.")
@StackTrace(false)
@Enabled(false) // one per task, millions a second on a busy pool: a recording turns it on when it wants it
public final class ThreadTaskRun extends jdk.jfr.Event {
    @Label("Pool")
    public String pool;

    @Label("Task")
    public String task;

    @Label("Outcome")
    @Description("SUCCESS, FAILED or CANCELLED; RUNNING if its time limit ended its wait but not its run")
    public String outcome;

    @Label("Queue Wait")
    @Description("From submit to start; -1 if the task was queued before the recording wanted this event")
    @Timespan(Timespan.NANOSECONDS)
    public long queueWait;
}
