package io.jpool.examples;

import io.jpool.Manager;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.SharedCounter;
import io.jpool.SharedMap;
import io.jpool.SharedQueue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Shared objects across worker processes: workers counting words into one shared map (the
 * classic Manager example), then a producer/consumer pipeline through a shared queue.
 */
final class ManagerDemo {
    private static final String[] TEXTS = {
        "the quick brown fox", "jumps over the lazy dog", "the dog sleeps", "a fox runs",
    };

    static void run() throws Exception {
        System.out.println("== Manager: shared objects across worker processes ==");
        try (Manager manager = Manager.start();
             ProcessPool pool = ProcessPool.builder().maxWorkers(2).build()) {
            SharedMap<String, Integer> counts = manager.map("counts");
            List<PoolFuture<Long>> futures = new ArrayList<>();
            for (String text : TEXTS) {
                futures.add(pool.submit(() -> {
                    for (String word : text.split(" ")) {
                        counts.merge(word, 1, Integer::sum); // runs atomically on the manager
                    }
                    return ProcessHandle.current().pid();
                }));
            }
            List<Long> pids = new ArrayList<>();
            for (PoolFuture<Long> f : futures) {
                pids.add(f.get());
            }
            System.out.println("word counts from workers " + new java.util.TreeSet<>(pids) + ": "
                    + new TreeMap<>(counts.snapshot()));

            SharedQueue<Integer> jobs = manager.queue("jobs", 8);
            SharedCounter sum = manager.counter("sum");
            PoolFuture<Integer> consumer = pool.submit(() -> {
                int n = 0;
                for (int job; (job = jobs.take()) >= 0; n++) {
                    sum.addAndGet((long) job * job);
                }
                return n;
            });
            PoolFuture<Void> producer = pool.submit(() -> {
                try {
                    for (int i = 1; i <= 100; i++) {
                        jobs.put(i);
                    }
                    jobs.put(-1); // end of work
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            producer.get();
            System.out.println("pipeline: consumer took " + consumer.get() + " jobs through a queue of 8; "
                    + "sum of squares 1..100 = " + sum.get());
        }
        System.out.println();
    }

    private ManagerDemo() {
    }
}
