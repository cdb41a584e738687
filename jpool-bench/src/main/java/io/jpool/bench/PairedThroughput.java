package io.jpool.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The workload of {@link ThreadThroughputBench} (1M no-ops from 1 or 2 submitting threads, then
 * every get), run as paired rounds in one JVM: each round runs every executor once, in an order
 * that rotates from round to round, so all of them meet the VM in the same state. On a 2-vCPU VM
 * whose speed swings by +-50% from second to second, JMH runs the executors minutes apart, and a
 * ratio between two of them says as much about the VM's phase as about the code; paired rounds
 * take that out. Prints JSON: per submitter count, each executor's median rate (tasks/s) after
 * the warm-up, and the rounds counted.
 *
 * <p>Unlike a JMH fork, which sees one executor, the loop here calls three kinds of submitter and
 * future, so its calls to them are megamorphic: a few nanoseconds a task for every executor alike.
 *
 * <p>Usage: {@code PairedThroughput <seconds per submitter count> [executors, default
 * jpool,tpe,fjp]}. The pools live side by side; the ones not running park their threads.
 */
public final class PairedThroughput {
    private static final int TASKS = ThreadThroughputBench.TASKS;
    private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final NoopBatch batch = new NoopBatch(TASKS);
    private final ExecutorService helper = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "paired-second-submitter");
        t.setDaemon(true);
        return t;
    });

    private PairedThroughput() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: PairedThroughput <seconds per submitter count> [jpool,tpe,fjp]");
        }
        double seconds = Double.parseDouble(args[0]);
        List<String> kinds = Arrays.asList((args.length > 1 ? args[1] : "jpool,tpe,fjp").split(","));
        PairedThroughput run = new PairedThroughput();
        StringBuilder json = new StringBuilder("{\"results\": {");
        for (int submitters = 1; submitters <= 2; submitters++) {
            Map<String, List<Double>> rates = run.rounds(kinds, submitters, (long) (seconds * 1e9));
            json.append(submitters == 1 ? "" : ", ").append("\"tp.paired_").append(submitters).append("sub\": {");
            int rounds = 0;
            for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
                List<Double> r = e.getValue();
                Collections.sort(r);
                rounds = r.size();
                json.append(String.format(Locale.ROOT, "\"%s\": %.1f, ", e.getKey(), r.get(r.size() / 2)));
            }
            json.append("\"rounds\": ").append(rounds).append('}');
        }
        json.append("}}");
        run.helper.shutdownNow();
        System.out.println(json);
    }

    /** Paired rounds for {@code nanos} after the warm-up: every executor's rate in every round. */
    private Map<String, List<Double>> rounds(List<String> kinds, int submitters, long nanos) throws Exception {
        Map<String, ExecutorService> pools = new LinkedHashMap<>();
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (String k : kinds) {
            pools.put(k, Executors4.create(k, 2));
            rates.put(k, new ArrayList<>());
        }
        try {
            long measureFrom = System.nanoTime() + WARM_UP_NANOS;
            long end = measureFrom + nanos;
            for (int round = 0; System.nanoTime() < end; round++) {
                boolean measured = System.nanoTime() - measureFrom >= 0;
                for (int i = 0; i < kinds.size(); i++) {
                    String k = kinds.get((round + i) % kinds.size());
                    double rate = oneRound(Executors4.submitter(pools.get(k)), submitters);
                    if (measured) {
                        rates.get(k).add(rate);
                    }
                }
            }
        } finally {
            for (ExecutorService p : pools.values()) {
                Executors4.stop(p);
            }
        }
        return rates;
    }

    /** One invocation of the JMH benchmark's body; tasks per second, submission to the last get. */
    private double oneRound(Executors4.Submitter s, int submitters) throws Exception {
        long t0 = System.nanoTime();
        long sum = batch.run(s, submitters == 2 ? helper : null);
        if (sum != TASKS) {
            throw new IllegalStateException("the no-ops returned " + sum + " in all, not " + TASKS);
        }
        return TASKS / ((System.nanoTime() - t0) / 1e9);
    }
}
