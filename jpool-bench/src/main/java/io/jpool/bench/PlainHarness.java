package io.jpool.bench;

import io.jpool.Task;
import io.jpool.ThreadPool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The thread throughput workload as a plain program measures it, not as JMH or paired rounds do:
 * one JVM with its default heap; jpool's {@code ThreadPool(2)}, a fixed {@code ThreadPoolExecutor(2)}
 * and {@code ForkJoinPool(2)} side by side, each run in turn through the {@link ExecutorService}
 * interface (what most code is typed as). A round submits 1M no-op {@link Callable}s into an
 * {@link ArrayList} (from 1 thread, or half from a second), then {@code get()}s them all, then
 * times 20k sequential submit-then-get; 2 warm-up rounds, 7 measured, medians.
 *
 * <p>The door is an argument, so the same harness shows what each door of {@code ExecutorService}
 * costs against jpool's own {@code submit(Task)}: {@code callable} (submit(Callable)),
 * {@code runnable} (submit(Runnable)), {@code invokeAll}, {@code execute} (waits for a counter of
 * runs, not futures), {@code task} (jpool's {@code submit(Task)}; the JDK executors take the
 * same lambda as a Callable) and {@code completable} (what most new code does: chains of
 * {@code CompletableFuture.supplyAsync(.., executor).thenApplyAsync(.., executor)}, two tasks each,
 * the second submitted by the worker that ran the first; their joins awaited). Prints one JSON object for the report ({@code run.sh}): per door and
 * submitter count ({@code tp.plain_<door>_<n>sub}), each executor's median rate in tasks/s; the
 * rounds, median latencies (us per submit-then-get), the young collections, minor page faults and
 * bytes allocated per task during each executor's rounds, who held the CPU meanwhile (CPU per task
 * of the submitters, the workers and the collector, and how much of their time the workers waited
 * for a CPU or slept: {@link ThreadTimes}), and jpool's ratio to FJP go to stderr.
 *
 * <p>The order of the executors matters: the JVM's heap starts small and grows while the first
 * executor runs, so that one pays for more young collections and for the page faults of the fresh
 * heap (a few times as many as the executors after it, whichever executor goes first). The
 * default order puts jpool first, its worst place; the stderr line shows what each one paid.
 *
 * <p>Usage: {@code PlainHarness [doors, default callable,runnable,execute,invokeAll,task]
 * [executors, default jpool,tpe,fjp]}.
 */
public final class PlainHarness {
    private static final int TASKS = 1_000_000;
    private static final int LATENCY_TASKS = 20_000;
    private static final int WARM_UP = 2;
    private static final int MEASURED = 7;
    /** The start of the second submitting thread's name (what {@link ThreadTimes} sees of it). */
    private static final String SECOND_SUBMITTER = "plain-second-";

    private PlainHarness() {
    }

    public static void main(String[] args) throws Exception {
        List<String> doors = List.of((args.length > 0 ? args[0] : "callable,runnable,execute,invokeAll,task").split(","));
        List<String> kinds = List.of((args.length > 1 ? args[1] : "jpool,tpe,fjp").split(","));
        ExecutorService helper = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, SECOND_SUBMITTER + "submitter");
            t.setDaemon(true);
            return t;
        });
        List<ExecutorService> pools = new ArrayList<>();
        for (String k : kinds) {
            pools.add(Executors4.create(k, 2));
        }
        StringBuilder json = new StringBuilder("{\"results\": {");
        String sep = "";
        try {
            for (String door : doors) {
                for (int submitters = 1; submitters <= 2; submitters++) {
                    json.append(sep).append("\"tp.plain_").append(door).append('_').append(submitters).append("sub\": {");
                    sep = ", ";
                    String colSep = "";
                    double jpool = Double.NaN;
                    double fjp = Double.NaN;
                    for (int i = 0; i < kinds.size(); i++) {
                        Door d = Door.of(door, pools.get(i));
                        List<Double> rates = new ArrayList<>();
                        List<Double> latencies = new ArrayList<>();
                        long[] costBefore = JvmCosts.now();
                        long[] times = ThreadTimes.tally();
                        String workerPrefix = ThreadTimes.workerPrefix(kinds.get(i));
                        for (int round = 0; round < WARM_UP + MEASURED; round++) {
                            ThreadTimes before = ThreadTimes.now();
                            long t0 = System.nanoTime();
                            double rate = throughput(d, submitters == 2 ? helper : null);
                            if (round >= WARM_UP) {
                                ThreadTimes.now().addSince(before, System.nanoTime() - t0, TASKS, SECOND_SUBMITTER,
                                        workerPrefix, times);
                            }
                            double latency = latency(d);
                            if (round >= WARM_UP) {
                                rates.add(rate);
                                latencies.add(latency);
                            }
                        }
                        long allTasks = (long) (WARM_UP + MEASURED) * (TASKS + LATENCY_TASKS);
                        String costs = JvmCosts.since(costBefore, allTasks) + "; measured rounds' "
                                + ThreadTimes.describe(times);
                        double rate = median(rates);
                        jpool = kinds.get(i).equals("jpool") ? rate : jpool;
                        fjp = kinds.get(i).equals("fjp") ? rate : fjp;
                        json.append(String.format(Locale.ROOT, "%s\"%s\": %.0f", colSep, kinds.get(i), rate * 1e6));
                        colSep = ", ";
                        System.err.printf(Locale.ROOT, "%s %d submitter(s) %s: %.2f M/s (rounds %s), %.2f us; %s%n",
                                door, submitters, kinds.get(i), rate, rates, median(latencies), costs);
                    }
                    json.append('}');
                    System.err.printf(Locale.ROOT, "%s %d submitter(s): jpool / FJP %.2f%n", door, submitters, jpool / fjp);
                }
            }
        } finally {
            for (ExecutorService p : pools) {
                Executors4.stop(p);
            }
            helper.shutdownNow();
        }
        System.out.println(json.append("}}"));
    }

    /** M tasks/s: TASKS no-ops through the door, half from {@code second} if given, then every one awaited. */
    private static double throughput(Door d, ExecutorService second) throws Exception {
        long t0 = System.nanoTime();
        if (second == null) {
            d.await(d.submit(TASKS));
        } else {
            Future<Object> other = second.submit(() -> d.submit(TASKS / 2));
            Object mine = d.submit(TASKS - TASKS / 2);
            d.await(other.get());
            d.await(mine);
        }
        return TASKS / ((System.nanoTime() - t0) / 1e3);
    }

    /** Microseconds per sequential submit-then-get. */
    private static double latency(Door d) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < LATENCY_TASKS; i++) {
            d.await(d.submit(1));
        }
        return (System.nanoTime() - t0) / 1e3 / LATENCY_TASKS;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    /** One way into an executor: submits n no-ops and waits for what it returned. */
    private abstract static class Door {
        static final Callable<Integer> NOOP = () -> 1;
        static final Runnable NOOP_RUNNABLE = () -> { };
        static final Task<Integer> NOOP_TASK = () -> 1;

        final ExecutorService executor;

        Door(ExecutorService executor) {
            this.executor = executor;
        }

        abstract Object submit(int n) throws Exception;

        abstract void await(Object submitted) throws Exception;

        static Door of(String door, ExecutorService e) {
            switch (door) {
                case "callable":
                    return new FutureDoor(e, ex -> ex.submit(NOOP));
                case "runnable":
                    return new FutureDoor(e, ex -> ex.submit(NOOP_RUNNABLE));
                case "task":
                    return e instanceof ThreadPool ? new FutureDoor(e, ex -> ((ThreadPool) ex).submit(NOOP_TASK))
                            : new FutureDoor(e, ex -> ex.submit(NOOP));
                case "invokeAll":
                    return new InvokeAllDoor(e);
                case "execute":
                    return new ExecuteDoor(e);
                case "completable":
                    return new CompletableDoor(e);
                default:
                    throw new IllegalArgumentException("unknown door '" + door
                            + "': callable, runnable, execute, invokeAll, task or completable");
            }
        }
    }

    private interface OneSubmit {
        Future<?> submit(ExecutorService e);
    }

    /** Futures into an ArrayList, then get() on each. */
    private static final class FutureDoor extends Door {
        private final OneSubmit one;

        FutureDoor(ExecutorService e, OneSubmit one) {
            super(e);
            this.one = one;
        }

        @Override
        Object submit(int n) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(one.submit(executor));
            }
            return fs;
        }

        @Override
        void await(Object submitted) throws Exception {
            for (Future<?> f : (List<Future<?>>) submitted) {
                f.get();
            }
        }
    }

    /** invokeAll of a list of n Callables (built before the clock, as a caller has them). */
    private static final class InvokeAllDoor extends Door {
        private final List<Callable<Integer>> all = Collections.nCopies(TASKS, NOOP);

        InvokeAllDoor(ExecutorService e) {
            super(e);
        }

        @Override
        Object submit(int n) throws Exception {
            return executor.invokeAll(n == TASKS ? all : all.subList(0, n));
        }

        @Override
        void await(Object submitted) {
            // invokeAll returned once every task was done
        }
    }

    /** execute(Runnable): no futures, so each run counts down one shared counter. */
    private static final class ExecuteDoor extends Door {
        private final java.util.concurrent.atomic.LongAdder ran = new java.util.concurrent.atomic.LongAdder();
        private final Runnable counted = ran::increment;

        ExecuteDoor(ExecutorService e) {
            super(e);
        }

        @Override
        Object submit(int n) {
            for (int i = 0; i < n; i++) {
                executor.execute(counted);
            }
            return (long) n;
        }

        @Override
        void await(Object submitted) {
            long n = (Long) submitted;
            // the counter counts every batch alike: wait until this batch's share has run
            while (ran.sum() < n) {
                Thread.onSpinWait();
            }
            ran.add(-n);
        }
    }

    /**
     * CompletableFuture chains through the executor: n tasks as n / 2 chains of
     * {@code supplyAsync} then {@code thenApplyAsync} (at least one chain), each joined.
     */
    private static final class CompletableDoor extends Door {
        private static final Supplier<Integer> ONE = () -> 1;
        private static final Function<Integer, Integer> PLUS_ONE = x -> x + 1;

        CompletableDoor(ExecutorService e) {
            super(e);
        }

        @Override
        Object submit(int n) {
            int chains = Math.max(1, n / 2);
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < chains; i++) {
                fs.add(CompletableFuture.supplyAsync(ONE, executor).thenApplyAsync(PLUS_ONE, executor));
            }
            return fs;
        }

        @Override
        @SuppressWarnings("unchecked")
        void await(Object submitted) {
            for (CompletableFuture<Integer> f
                    : (List<CompletableFuture<Integer>>) submitted) {
                f.join();
            }
        }
    }
}
