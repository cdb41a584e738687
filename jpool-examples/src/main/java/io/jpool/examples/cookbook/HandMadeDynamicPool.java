package io.jpool.examples.cookbook;

import io.jpool.ThreadPool;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A pool written by hand that grows with its backlog and shrinks when idle, the way tutorials
 * build one from a queue and threads. Mirrors:
 *
 * <pre>{@code
 * class DynamicPool:
 *     def __init__(self, min_workers, max_workers, idle_timeout):
 *         self.tasks = queue.Queue()
 *         ...
 *     def submit(self, fn):
 *         self.tasks.put(fn)
 *         with self.lock:
 *             if self.tasks.qsize() > self.idle and len(self.workers) < self.max_workers:
 *                 self.start_worker()
 *     def worker(self):
 *         while True:
 *             try:
 *                 fn = self.tasks.get(timeout=self.idle_timeout)
 *             except queue.Empty:
 *                 if len(self.workers) > self.min_workers: retire
 *                 continue
 *             fn()
 * }</pre>
 *
 * <p>It is here to show what a pool is made of. jpool's {@code ThreadPool} already does this:
 * workers start lazily up to {@code maxWorkers} as tasks arrive and stop after
 * {@code keepAlive} without work, as the end of {@link #run} shows.
 */
public final class HandMadeDynamicPool {

    /** How it works: a queue of tasks, and threads that take from it until idle too long. */
    static final class DynamicPool implements AutoCloseable {
        private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        private final List<Thread> workers = new ArrayList<>();
        private final int minWorkers;
        private final int maxWorkers;
        private final Duration idleTimeout;
        private final PrintStream out;
        private int idle;
        private int peak;
        private boolean closed;

        DynamicPool(int minWorkers, int maxWorkers, Duration idleTimeout, PrintStream out) {
            if (minWorkers < 0 || maxWorkers < Math.max(1, minWorkers)) {
                throw new IllegalArgumentException("need 0 <= minWorkers <= maxWorkers and maxWorkers >= 1, got "
                        + minWorkers + " and " + maxWorkers);
            }
            this.minWorkers = minWorkers;
            this.maxWorkers = maxWorkers;
            this.idleTimeout = idleTimeout;
            this.out = out;
        }

        synchronized void submit(Runnable task) {
            if (closed) {
                throw new IllegalStateException("the pool is closed: submit before close()");
            }
            tasks.add(task);
            // grow only when the backlog is more than the idle workers can take at once
            if (tasks.size() > idle && workers.size() < maxWorkers) {
                Thread t = new Thread(this::work, "dynamic-" + workers.size());
                workers.add(t);
                peak = Math.max(peak, workers.size());
                out.println("started a worker, now " + workers.size());
                t.start();
            }
        }

        private void work() {
            for (;;) {
                Runnable task;
                try {
                    synchronized (this) {
                        idle++;
                    }
                    task = tasks.poll(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    task = null;
                } finally {
                    synchronized (this) {
                        idle--;
                    }
                }
                if (task != null) {
                    task.run();
                    continue;
                }
                synchronized (this) {
                    if (tasks.isEmpty() && (closed || workers.size() > minWorkers)) {
                        workers.remove(Thread.currentThread());
                        out.println("retired an idle worker, now " + workers.size());
                        notifyAll();
                        return;
                    }
                }
            }
        }

        synchronized int peak() {
            return peak;
        }

        /** Waits for the queue to drain and every worker to retire. */
        @Override
        public synchronized void close() {
            closed = true;
            while (!workers.isEmpty()) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        run(System.out, 20, Duration.ofMillis(100));
    }

    /** Runs {@code tasks} tasks of {@code work} each on a hand-made pool of 0 to 4 threads, then on a ThreadPool. */
    public static void run(PrintStream out, int tasks, Duration work) throws Exception {
        CountDownLatch done = new CountDownLatch(tasks);
        int peak;
        try (DynamicPool pool = new DynamicPool(0, 4, work.multipliedBy(2), out)) {
            for (int i = 0; i < tasks; i++) {
                pool.submit(() -> {
                    sleep(work);
                    done.countDown();
                });
            }
            done.await();
            out.println(tasks + " tasks done, at most " + pool.peak() + " workers at once");
            peak = pool.peak();
        }
        out.println("hand-made pool closed with every worker retired (peak " + peak + ")");

        // The same with jpool: workers start as tasks come and stop after keepAlive without work.
        try (ThreadPool pool = ThreadPool.builder().maxWorkers(4).keepAlive(work.multipliedBy(2)).build()) {
            for (int i = 0; i < tasks; i++) {
                pool.submit(() -> sleep(work));
            }
        }
        out.println("ThreadPool(maxWorkers=4, keepAlive) ran the same " + tasks + " tasks");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HandMadeDynamicPool() {
    }
}
