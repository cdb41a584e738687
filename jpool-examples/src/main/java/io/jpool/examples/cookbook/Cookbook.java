package io.jpool.examples.cookbook;

import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * The index of the cookbook: every program of the Python pool tutorials, in the order they teach
 * them, each a small class of this package with a {@code main}. Run one with
 * {@code mvn -q -DskipTests -pl jpool-examples -am package exec:exec -Dcookbook=CrawlerWithTenThreads}
 * (the worker JVMs of the process-pool programs need a real {@code java -cp}, which that command
 * gives them).
 */
public final class Cookbook {

    /** The programs in tutorial order. */
    public static final List<String> PROGRAMS = List.of(
            "TenThreadsWithDoneCallback",
            "ProcessPoolReusedPids",
            "SubmitThenResults",
            "WithTwoWorkers",
            "MapWithTimeoutAndChunksize",
            "AsCompletedInCompletionOrder",
            "MultiprocessingPoolBasics",
            "ManagerDictSharedByWorkers",
            "ExceptionsInTasks",
            "BatchingARange",
            "HandMadeDynamicPool",
            "CrawlerWithTenThreads",
            "ImageBatchInProcessPool",
            "RaceAndLock",
            "DeadlockOfTwoLocks");

    /** Runs the program named by {@code args[0]} (its class's simple name), or lists them. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].isBlank()) {
            System.out.println("cookbook programs, in tutorial order: run one with -Dcookbook=<name>");
            PROGRAMS.forEach(p -> System.out.println("  " + p));
            return;
        }
        String name = args[0].trim();
        if (!PROGRAMS.contains(name)) {
            throw new IllegalArgumentException("no cookbook program named \"" + name + "\": pick one of " + PROGRAMS);
        }
        try {
            Class.forName(Cookbook.class.getPackageName() + "." + name).getMethod("main", String[].class)
                    .invoke(null, (Object) new String[0]);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private Cookbook() {
    }
}
