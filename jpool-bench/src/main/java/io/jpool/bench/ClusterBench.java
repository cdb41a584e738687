package io.jpool.bench;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.PoolFuture;
import io.jpool.hazelcast.ClusterMember;
import io.jpool.hazelcast.ClusterPool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@link ClusterPool} against raw Hazelcast {@link IExecutorService} on the same 2-member loopback
 * cluster (a member in this JVM, which also submits, and one {@link ClusterMember} in its own JVM),
 * printed side by side as a Markdown table: member start-up and cluster formation, tiny-task round
 * trip (p50, p99), submit-all-then-get-all throughput of tiny tasks, and a map with chunksize 1000
 * against per-item raw submits. Not JMH: a cluster is built once; both sides get the same
 * warm-up (2000 round trips and three untimed throughput passes each); the round trips and the
 * throughput are then measured in {@code rounds} rounds, raw and pool one after the other within
 * each round (raw first in even rounds, the pool first in odd ones) so that a change in the
 * machine's load hits both sides, each throughput pass after a full collection; each side's
 * median and the median of the rounds' ratios are reported, with every round's ratio; the map is
 * one timed pass. Run it on a quiet machine.
 *
 * <p>It measures two configurations, each in a JVM of its own started by this one (the common
 * pool's parallelism is fixed when a JVM starts): the common pool at parallelism 2, and at
 * parallelism 1, which is what a JVM on a machine with fewer than 3 CPUs (CI's) gets without
 * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism}, and where Hazelcast's default
 * async executor starts a thread per continuation. Both tables print one after the other, the
 * second with its rows marked. The child member gets parallelism 2 in both ({@link
 * ClusterMember#command} adds it on such machines), so only the submitting JVM's setting differs.
 *
 * <pre>
 * mvn -B -ntp -q -pl jpool-bench -am package -DskipTests dependency:build-classpath \
 *     -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
 * java -cp jpool-bench/target/classes:$(cat jpool-bench/target/classpath.txt) io.jpool.bench.ClusterBench [scale] [rounds]
 * </pre>
 * {@code scale} (default 1.0) multiplies the sizes: 100k tasks, a 1M-item map, 100k raw per-item
 * submits; {@code rounds} (default 3) is the number of round-trip and throughput rounds.
 */
public final class ClusterBench {

    /** The raw side's tiny task. */
    static final class Tiny implements Callable<Integer>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer call() {
            return 1;
        }
    }

    /** The raw side's per-item map task. */
    static final class Item implements Callable<Integer>, Serializable {
        private static final long serialVersionUID = 1L;
        private final int n;

        Item(int n) {
            this.n = n;
        }

        @Override
        public Integer call() {
            return n + 1;
        }
    }

    private ClusterBench() {
    }

    /** The first argument of a child JVM that measures one configuration. */
    private static final String ONE_CONFIGURATION = "--this-jvm";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(ONE_CONFIGURATION)) {
            measure(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        parse(args); // refuse bad arguments before starting anything
        List<String> parallel2 = inChildJvm(2, args);
        List<String> parallel1 = inChildJvm(1, args);
        System.out.println();
        System.out.println("| ClusterBench (2 members on loopback, JDK " + Runtime.version().feature() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs) | raw IExecutorService | ClusterPool | ratio |");
        System.out.println("|---|---|---|---|");
        parallel2.forEach(System.out::println);
        for (String row : parallel1) {
            if (!row.contains("member start-up") && !row.contains("cluster formed")) {
                System.out.println("| common pool parallelism 1 (no flag, < 3 CPUs): " + row.substring(2));
            }
        }
    }

    /** Scale and rounds, checked. */
    private static double[] parse(String[] args) {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (scale <= 0 || rounds < 1 || args.length > 2) {
            throw new IllegalArgumentException("usage: ClusterBench [scale > 0, default 1.0] [rounds >= 1, default 3]; got "
                    + String.join(" ", args));
        }
        return new double[] {scale, rounds};
    }

    /**
     * Runs {@link #measure} in a new JVM whose common pool has {@code parallelism} and returns
     * its table's rows; its other output goes to this JVM's standard error.
     */
    private static List<String> inChildJvm(int parallelism, String[] args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + java.io.File.separator + "bin" + java.io.File.separator + "java");
        cmd.addAll(ClusterMember.JVM_FLAGS);
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow"); // else JDK 24+ warns about Hazelcast's Unsafe use
        }
        cmd.addAll(List.of("-Dhazelcast.phone.home.enabled=false",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=" + parallelism, "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), ClusterBench.class.getName(), ONE_CONFIGURATION));
        cmd.addAll(Arrays.asList(args));
        System.err.println("ClusterBench: measuring with a common pool of parallelism " + parallelism);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("| ") && !line.startsWith("| ClusterBench")) {
                    rows.add(line);
                } else {
                    System.err.println(line);
                }
            }
        }
        if (p.waitFor() != 0 || rows.isEmpty()) {
            throw new IllegalStateException("the measuring JVM (common pool parallelism " + parallelism
                    + ") failed with exit code " + p.exitValue() + "; its output is above");
        }
        return rows;
    }

    /** Measures both sides in this JVM and prints the table. */
    private static void measure(String[] args) throws Exception {
        double[] parsed = parse(args);
        double scale = parsed[0];
        int rounds = (int) parsed[1];
        int tasks = (int) (100_000 * scale);
        int mapItems = (int) (1_000_000 * scale);
        int rawItems = (int) (100_000 * scale);
        String cluster = "jpool-bench-" + UUID.randomUUID();
        String local = "127.0.0.1:" + freePort();
        String remote = "127.0.0.1:" + freePort();
        List<String> rows = new ArrayList<>();

        long t0 = System.nanoTime();
        Process child = new ProcessBuilder(ClusterMember.command(List.of("-Xmx512m"), "--cluster", cluster,
                "--port", port(remote), "--join", local + "," + remote)).redirectErrorStream(true).start();
        Config cfg = new Config().setClusterName(cluster);
        cfg.setProperty("hazelcast.phone.home.enabled", "false");
        cfg.setProperty("hazelcast.logging.type", "none");
        cfg.getNetworkConfig().setPort(Integer.parseInt(port(local))).setPortAutoIncrement(false);
        cfg.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        cfg.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        cfg.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        cfg.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(Arrays.asList(local, remote));
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(cfg);
        long firstMember = System.nanoTime() - t0;
        awaitReady(child);
        while (hz.getCluster().getMembers().size() < 2) {
            Thread.sleep(5);
        }
        long formed = System.nanoTime() - t0;
        rows.add(String.format("| member start-up (this JVM) | %.0f ms | | |", firstMember / 1e6));
        rows.add(String.format("| 2-member cluster formed (child JVM spawned at the same time) | %.0f ms | | |", formed / 1e6));

        IExecutorService raw = hz.getExecutorService("jpool");
        try (ClusterPool pool = ClusterPool.builder().hazelcast(hz).build()) {
            Tiny tiny = new Tiny();
            // Round trip: warm both sides, then time sequential tiny tasks.
            for (int i = 0; i < 2000; i++) {
                raw.submit(tiny).get();
                pool.submit(tiny).get();
            }
            long[][] rawRt = new long[2][rounds];
            long[][] poolRt = new long[2][rounds];
            double[] rawTps = new double[rounds];
            // CPU time per task of both JVMs in each throughput pass: unlike tasks/s, hardly moved
            // by other programs on the machine, so it shows which side does more work per task.
            double[] rawCpu = new double[rounds];
            double[] poolCpu = new double[rounds];
            double[] poolTps = new double[rounds];
            // Throughput warm-up: untimed passes, alternating, until both sides' paths are compiled
            // (after one pass each, the JIT's threads still used up to half of a pass's CPU time).
            for (int i = 0; i < 3; i++) {
                throughput(tasks, () -> raw.submit(tiny));
                throughput(tasks, () -> pool.submit(tiny));
            }
            for (int r = 0; r < rounds; r++) {
                // Who goes first alternates from round to round, so neither side always runs
                // into the other's leftovers (garbage, cooling caches, a busier machine).
                boolean rawFirst = r % 2 == 0;
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == rawFirst) {
                        long[] rt = roundTrips(() -> raw.submit(tiny).get(), 3000);
                        rawRt[0][r] = rt[0];
                        rawRt[1][r] = rt[1];
                    } else {
                        long[] rt = roundTrips(() -> pool.submit(tiny).get(), 3000);
                        poolRt[0][r] = rt[0];
                        poolRt[1][r] = rt[1];
                    }
                }
                // Throughput: submit all, then get all.
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == rawFirst) {
                        System.gc(); // so that no pass pays for the previous one's garbage
                        long cpu = cpuNanos(child);
                        rawTps[r] = throughput(tasks, () -> raw.submit(tiny));
                        rawCpu[r] = (cpuNanos(child) - cpu) / 1e3 / tasks;
                    } else {
                        System.gc(); // so that no pass pays for the previous one's garbage
                        long cpu = cpuNanos(child);
                        poolTps[r] = throughput(tasks, () -> pool.submit(tiny));
                        poolCpu[r] = (cpuNanos(child) - cpu) / 1e3 / tasks;
                    }
                }
            }
            rows.add(String.format("| tiny-task round trip p50 (median of %d rounds; target <= 1.20x) | %d us | %d us | %.2fx (rounds: %s) |",
                    rounds, median(rawRt[0]) / 1000, median(poolRt[0]) / 1000,
                    median(ratios(poolRt[0], rawRt[0])), text(ratios(poolRt[0], rawRt[0]))));
            rows.add(String.format("| tiny-task round trip p99 (median of %d rounds) | %d us | %d us | %.2fx (rounds: %s) |",
                    rounds, median(rawRt[1]) / 1000, median(poolRt[1]) / 1000,
                    median(ratios(poolRt[1], rawRt[1])), text(ratios(poolRt[1], rawRt[1]))));
            rows.add(String.format("| %,d tiny tasks, submit all then get all (median of %d rounds; target >= 1.00x) | %,.0f tasks/s "
                    + "| %,.0f tasks/s | %.2fx (rounds: %s) |", tasks, rounds, median(rawTps), median(poolTps),
                    median(ratios(poolTps, rawTps)), text(ratios(poolTps, rawTps))));
            rows.add(String.format("| the same, CPU time per task of both JVMs (median of %d rounds) | %.1f us | %.1f us "
                    + "| %.2fx (rounds: %s) |", rounds, median(rawCpu), median(poolCpu),
                    median(ratios(poolCpu, rawCpu)), text(ratios(poolCpu, rawCpu))));

            // Map: raw per-item submits against ClusterPool.map with chunksize 1000.
            long s = System.nanoTime();
            List<Future<Integer>> items = new ArrayList<>(rawItems);
            for (int i = 0; i < rawItems; i++) {
                items.add(raw.submit(new Item(i)));
            }
            long check = 0;
            for (Future<Integer> f : items) {
                check += f.get();
            }
            double rawIps = rawItems / ((System.nanoTime() - s) / 1e9);
            items = null;
            s = System.nanoTime();
            long sum = 0;
            try (MapResult<Integer> r = pool.map((Integer n) -> n + 1, () -> range(mapItems),
                    MapOptions.defaults().chunksize(1000))) {
                for (Integer v : r) {
                    sum += v;
                }
            }
            double mapIps = mapItems / ((System.nanoTime() - s) / 1e9);
            rows.add(String.format("| map: raw per-item submits (%,d) vs ClusterPool.map chunksize 1000 (%,d) "
                    + "| %,.0f items/s | %,.0f items/s | %.1fx |", rawItems, mapItems, rawIps, mapIps, mapIps / rawIps));
            if (check == 0 || sum == 0) {
                throw new AssertionError("no work done");
            }
        } finally {
            hz.shutdown();
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        System.out.println();
        System.out.println("| ClusterBench (2 members on loopback, JDK " + Runtime.version().feature() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs) | raw IExecutorService | ClusterPool | ratio |");
        System.out.println("|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private interface Call {
        void run() throws Exception;
    }

    private interface Submit {
        Future<?> submit() throws Exception;
    }

    /** Tasks per second for {@code n} submits followed by a get of every future. */
    private static double throughput(int n, Submit submit) throws Exception {
        long s = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fs.add(submit.submit());
        }
        for (Future<?> f : fs) {
            f.get();
        }
        return n / ((System.nanoTime() - s) / 1e9);
    }

    /** CPU time used so far by this JVM and the child member's, in nanoseconds. */
    private static long cpuNanos(Process child) {
        return cpuNanos(ProcessHandle.current()) + cpuNanos(child.toHandle());
    }

    private static long cpuNanos(ProcessHandle p) {
        return p.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException(
                "this OS does not report the CPU time of process " + p.pid() + "; run ClusterBench on Linux or macOS"))
                .toNanos();
    }

    private static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    /**
     * Each round's pool/raw ratio. The reported ratio is their median: both sides of a round ran
     * under the same load, so a round's ratio is fairer than a ratio of two sides' medians.
     */
    private static double[] ratios(long[] pool, long[] raw) {
        double[] r = new double[pool.length];
        for (int i = 0; i < pool.length; i++) {
            r[i] = (double) pool[i] / raw[i];
        }
        return r;
    }

    private static double[] ratios(double[] pool, double[] raw) {
        double[] r = new double[pool.length];
        for (int i = 0; i < pool.length; i++) {
            r[i] = pool[i] / raw[i];
        }
        return r;
    }

    /** The ratios of every round, for the reader to see the spread. */
    private static String text(double[] ratios) {
        StringBuilder b = new StringBuilder();
        for (double r : ratios) {
            b.append(b.length() == 0 ? "" : " ").append(String.format("%.2f", r));
        }
        return b.toString();
    }

    /** p50 and p99 of {@code n} sequential calls, in nanoseconds. */
    private static long[] roundTrips(Call c, int n) throws Exception {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            c.run();
            t[i] = System.nanoTime() - s;
        }
        Arrays.sort(t);
        return new long[] {t[n / 2], t[(int) (n * 0.99)]};
    }

    private static java.util.Iterator<Integer> range(int n) {
        return new java.util.Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public Integer next() {
                return i++;
            }
        };
    }

    private static void awaitReady(Process child) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()));
        for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith("jpool member ")) {
                Thread t = new Thread(() -> drain(r), "member-output");
                t.setDaemon(true);
                t.start();
                return;
            }
        }
        throw new IllegalStateException("the child member exited before it was ready");
    }

    private static void drain(BufferedReader r) {
        try {
            while (r.readLine() != null) {
                // keep the child's pipe from filling
            }
        } catch (IOException ignored) {
            // the child is gone
        }
    }

    private static String port(String address) {
        return address.substring(address.indexOf(':') + 1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
