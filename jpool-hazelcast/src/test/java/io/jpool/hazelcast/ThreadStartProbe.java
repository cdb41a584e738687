package io.jpool.hazelcast;

import com.hazelcast.core.IExecutorService;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * The child JVM of {@link CommonPoolIndependenceTest}: on a 2-member loopback cluster in its own
 * JVM, submits {@code n} tiny tasks through raw {@link IExecutorService} and then through a
 * {@link ClusterPool} (each all at once, then gets them all) and prints one line
 * {@code threads started: raw R pool P}, the JVM's thread starts during each pass.
 */
final class ThreadStartProbe {
    /** A task both sides run; a named class so that both send the same bytes. */
    static final class Tiny implements Callable<Integer>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer call() {
            return 1;
        }
    }

    private ThreadStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (LoopbackCluster cluster = LoopbackCluster.start(2, 4);
             ClusterPool pool = ClusterPool.builder().hazelcast(cluster.members.get(0)).build()) {
            IExecutorService raw = cluster.members.get(0).getExecutorService("jpool");
            Tiny tiny = new Tiny();
            // Warm-up: both sides' helper threads (the pool's, the scanner, Hazelcast's) exist after it.
            pass(200, () -> raw.submit(tiny));
            pass(200, () -> pool.submit(tiny));
            long before = threads.getTotalStartedThreadCount();
            pass(n, () -> raw.submit(tiny));
            long rawStarted = threads.getTotalStartedThreadCount() - before;
            before = threads.getTotalStartedThreadCount();
            pass(n, () -> pool.submit(tiny));
            long poolStarted = threads.getTotalStartedThreadCount() - before;
            System.out.println("threads started: raw " + rawStarted + " pool " + poolStarted);
        }
    }

    private interface Submit {
        Future<?> submit();
    }

    private static void pass(int n, Submit submit) throws Exception {
        List<Future<?>> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fs.add(submit.submit());
        }
        for (Future<?> f : fs) {
            f.get();
        }
    }
}
