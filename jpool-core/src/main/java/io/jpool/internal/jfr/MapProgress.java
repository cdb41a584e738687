package io.jpool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** Items of a map done so far. */
@Name("io.jpool.MapProgress")
@Label("Map Progress")
@Category({"jpool"})
@Description("Items of a map done so far.")
@StackTrace(false)
@Enabled(false) // one or more per task or chunk: a recording turns it on when it wants it
public final class MapProgress extends jdk.jfr.Event {
    @Label("Done")
    public long done;

    @Label("Total")
    @Description("-1 while the input has not been read to its end")
    public long total;
}
