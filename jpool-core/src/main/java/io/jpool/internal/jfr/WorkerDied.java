package io.jpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A worker process of a pool exited. */
@Name("io.jpool.WorkerDied")
@Label("Worker Died")
@Category({"jpool"})
@Description("A worker process of a pool exited.")
@StackTrace(false)
public final class WorkerDied extends jdk.jfr.Event {
    @Label("Pool")
    public String pool;

    @Label("Worker Pid")
    public long workerPid;

    @Label("Exit Code")
    public int exitCode;

    @Label("Cause")
    @Description("Why the pool killed it, or null if it exited by itself")
    public String cause;
}
