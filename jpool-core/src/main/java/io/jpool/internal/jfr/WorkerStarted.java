package io.jpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A worker process of a pool is ready for tasks. */
@Name("io.jpool.WorkerStarted")
@Label("Worker Started")
@Category({"jpool"})
@Description("A worker process of a pool is ready for tasks.")
@StackTrace(false)
public final class WorkerStarted extends jdk.jfr.Event {
    @Label("Pool")
    public String pool;

    @Label("Worker Pid")
    public long workerPid;

    @Label("Start-up Time")
    @Description("From launching the JVM to its being ready for tasks")
    @Timespan(Timespan.NANOSECONDS)
    public long startupTime;
}
