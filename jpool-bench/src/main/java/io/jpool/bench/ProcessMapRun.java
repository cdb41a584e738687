package io.jpool.bench;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.ProcessPool;
import io.jpool.TaskFunction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain main for A/B runs of {@link ProcessMapBench}'s chunksize-1 case without JMH's start-up:
 * a warm pool of 2 workers maps {@code items} tiny items ({@code x + 1}) at chunksize 1, a few
 * rounds to warm up, then prints each measured round's items per second and their median.
 * Worker JVM options (a JFR recording, say) can follow the counts.
 *
 * <pre>java -cp ... io.jpool.bench.ProcessMapRun [items] [warm-up rounds] [rounds] [worker option...]</pre>
 */
public final class ProcessMapRun {
    private static final TaskFunction<Integer, Integer> INC = x -> x + 1;

    private ProcessMapRun() {
    }

    public static void main(String[] args) {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<String> workerOptions = args.length > 3 ? Arrays.asList(args).subList(3, args.length) : List.of();
        List<Integer> input = new ArrayList<>(items);
        for (int i = 0; i < items; i++) {
            input.add(i);
        }
        ProcessPool pool = ProcessPool.builder().maxWorkers(2).jvmOptions(workerOptions.toArray(new String[0])).build();
        try {
            double[] rates = new double[rounds];
            for (int r = -warmUp; r < rounds; r++) {
                long start = System.nanoTime();
                long sum = 0;
                try (MapResult<Integer> results = pool.map(INC, input, MapOptions.defaults().chunksize(1))) {
                    for (Integer x : results) {
                        sum += x;
                    }
                }
                double rate = items / ((System.nanoTime() - start) / 1e9);
                if (sum != (long) items * (items + 1) / 2) {
                    throw new IllegalStateException("wrong sum " + sum);
                }
                if (r >= 0) {
                    rates[r] = rate;
                    System.out.printf("round %d: %.0f items/s%n", r, rate);
                }
            }
            Arrays.sort(rates);
            System.out.printf("median: %.0f items/s%n", rates[rounds / 2]);
        } finally {
            ProcessPools.close(pool);
        }
    }
}
