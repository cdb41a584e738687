package io.jpool.examples.cookbook;

import io.jpool.Manager;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.SharedMap;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@code Manager().dict()} written by worker processes and read by the parent. Mirrors:
 *
 * <pre>{@code
 * def work(shared, n):
 *     shared[n] = n * n
 *     return os.getpid()
 *
 * with Manager() as manager, Pool(2) as pool:
 *     shared = manager.dict()
 *     pids = pool.starmap(work, [(shared, n) for n in range(10)])
 *     print(dict(shared))
 *     print("written by", sorted(set(pids)))
 * }</pre>
 *
 * <p>The proxy is {@code Serializable}: a task captures it and reaches the manager from its worker.
 */
public final class ManagerDictSharedByWorkers {

    public static void main(String[] args) throws Exception {
        run(System.out, 10);
    }

    /** Lets two workers write n*n for n in 0..count-1 into a shared map; returns a copy of it. */
    public static Map<Integer, Integer> run(PrintStream out, int count) throws Exception {
        try (Manager manager = Manager.start();
             ProcessPool pool = ProcessPool.create(2)) {
            SharedMap<Integer, Integer> shared = manager.map("shared");
            List<PoolFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    shared.put(n, n * n); // one atomic operation on the manager
                    return ProcessHandle.current().pid();
                }));
            }
            TreeSet<Long> pids = new TreeSet<>();
            for (PoolFuture<Long> f : futures) {
                pids.add(f.get());
            }
            Map<Integer, Integer> copy = new TreeMap<>(shared.snapshot()); // a copy, as dict(shared)
            out.println(copy);
            out.println("written by " + pids);
            return copy;
        }
    }

    private ManagerDictSharedByWorkers() {
    }
}
