package io.jpool.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.Task;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The local {@link ProcessPool}s that run isolated cluster tasks on a member: one per member
 * and worker count, started on first use and closed when the member shuts down. A task that
 * crashes, leaks or hangs then costs one worker JVM, not the member; its future fails as a
 * process pool's would ({@link io.jpool.WorkerDiedException}, {@link io.jpool.TaskTimeoutException}).
 */
final class MemberProcessPools {
    private static final Map<String, ProcessPool> POOLS = new ConcurrentHashMap<>();

    private MemberProcessPools() {
    }

    /** Runs {@code task} in a worker process of {@code member}'s pool of {@code workers}. */
    static <T> T run(HazelcastInstance member, int workers, Task<T> task) throws Exception {
        ProcessPool pool = poolOf(member, workers);
        PoolFuture<T> f = pool.submit(task);
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true); // cancel(true) or a time limit on the caller: kill the worker running it
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        }
    }

    private static ProcessPool poolOf(HazelcastInstance member, int workers) {
        String key = member.getName() + "/" + workers;
        ProcessPool pool = POOLS.get(key);
        if (pool != null) {
            return pool;
        }
        synchronized (POOLS) {
            pool = POOLS.get(key);
            if (pool == null) {
                if (!member.getLifecycleService().isRunning()) {
                    throw new IllegalStateException("member " + member.getName() + " is shutting down");
                }
                ProcessPool created = ProcessPool.builder().maxWorkers(workers).build();
                POOLS.put(key, created);
                member.getLifecycleService().addLifecycleListener(e -> {
                    if (e.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN) {
                        POOLS.remove(key, created);
                        created.shutdownNow();
                    }
                });
                pool = created;
            }
        }
        return pool;
    }
}
