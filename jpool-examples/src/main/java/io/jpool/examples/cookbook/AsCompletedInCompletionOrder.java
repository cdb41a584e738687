package io.jpool.examples.cookbook;

import io.jpool.Futures;
import io.jpool.PoolFuture;
import io.jpool.ThreadPool;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code as_completed}: results in the order the tasks finish, not the order they were submitted,
 * with a dict from future to its input. Mirrors:
 *
 * <pre>{@code
 * delays = {"slow": 0.8, "medium": 0.4, "fast": 0.0}
 * with ThreadPoolExecutor(max_workers=3) as executor:
 *     future_to_name = {executor.submit(time.sleep, d): name for name, d in delays.items()}
 *     for future in as_completed(future_to_name, timeout=30):
 *         print(f"{future_to_name[future]} finished")
 * }</pre>
 */
public final class AsCompletedInCompletionOrder {

    public static void main(String[] args) throws Exception {
        run(System.out, Duration.ofMillis(400));
    }

    /** Three tasks sleeping 2, 1 and 0 times {@code step}; returns the names in completion order. */
    public static List<String> run(PrintStream out, Duration step) {
        Map<PoolFuture<Long>, String> futureToName = new HashMap<>();
        List<String> order = new ArrayList<>();
        try (ThreadPool executor = ThreadPool.create(3)) {
            String[] names = {"slow", "medium", "fast"};
            for (int i = 0; i < names.length; i++) {
                long ms = step.toMillis() * (names.length - 1 - i);
                futureToName.put(executor.submit(() -> {
                    Thread.sleep(ms);
                    return ms;
                }), names[i]);
            }
            for (PoolFuture<Long> future : Futures.asCompleted(futureToName.keySet(), Duration.ofSeconds(30))) {
                String name = futureToName.get(future);
                order.add(name);
                out.println(name + " finished");
            }
        }
        return order;
    }

    private AsCompletedInCompletionOrder() {
    }
}
