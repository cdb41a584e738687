package io.jpool.examples;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.Task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Why a process pool in Java: isolation. A task that calls System.exit, one that hangs, one that
 * exhausts its heap, side by side with well-behaved tasks; only the bad ones fail.
 */
final class IsolationDemo {

    static void run() throws Exception {
        System.out.println("== Isolation: bad tasks fail alone, the pool carries on ==");
        try (ProcessPool pool = ProcessPool.builder()
                .maxWorkers(2)
                .jvmOptions("-Xmx64m")
                .workerOutput(io.jpool.WorkerOutput.DISCARD)
                .build()) {
            Map<String, PoolFuture<String>> futures = new LinkedHashMap<>();
            futures.put("good task 1", pool.submit(good(1)));
            futures.put("calls System.exit(3)", pool.submit(() -> {
                System.exit(3);
                return "unreachable";
            }));
            futures.put("hangs (1 s limit)", pool.submit(() -> {
                Thread.sleep(Long.MAX_VALUE); // a task that never ends
                return "unreachable";
            }, Duration.ofSeconds(1)));
            futures.put("exhausts its heap", pool.submit(() -> {
                List<long[]> hog = new ArrayList<>();
                while (true) {
                    hog.add(new long[1 << 20]);
                }
            }));
            futures.put("good task 2", pool.submit(good(2)));
            for (Map.Entry<String, PoolFuture<String>> e : futures.entrySet()) {
                System.out.printf("%-22s -> %s%n", e.getKey(), outcome(e.getValue()));
            }
            System.out.println("pool still works: " + pool.submit(good(3)).get());
        }
        System.out.println();
    }

    private static Task<String> good(int n) {
        return () -> "ok " + n + " (pid " + ProcessHandle.current().pid() + ")";
    }

    private static String outcome(PoolFuture<String> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            String msg = String.valueOf(e.getCause().getMessage());
            int nl = msg.indexOf('\n');
            return e.getCause().getClass().getSimpleName() + ": " + (nl < 0 ? msg : msg.substring(0, nl));
        }
    }

    private IsolationDemo() {
    }
}
