package io.jpool.examples;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.hazelcast.ClusterMember;
import io.jpool.hazelcast.ClusterPool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The cluster part of the demo, with no setup: starts two {@link ClusterMember} JVMs on loopback,
 * connects to them as a client, maps the primes workload across them showing which member ran
 * what, and SIGKILLs one member halfway while the map completes on the other ({@code retries}).
 */
public final class ClusterDemo {
    private static final int LIMIT = 4_000_000;
    private static final int CHUNKS = 64;
    /** The number of primes below {@link #LIMIT}, for the reader to compare. */
    private static final int PRIMES_BELOW_LIMIT = 283_146;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration MAP_TIMEOUT = Duration.ofSeconds(180);
    /** Held so the level sticks: Hazelcast's client logs every connection step at INFO. */
    private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");

    private ClusterDemo() {
    }

    /** Runs the demo on its own: {@code java -cp <examples + jpool + hazelcast> io.jpool.examples.ClusterDemo}. */
    public static void main(String[] args) throws Exception {
        run();
    }

    /** Primes in [from, to): the CPU demo's workload. */
    static int countPrimes(int from, int to) {
        return CpuDemo.countPrimes(from, to);
    }

    /** Where a task runs: the address of the member in this JVM. */
    static String here() {
        HazelcastInstance member = Hazelcast.getAllHazelcastInstances().iterator().next();
        return member.getCluster().getLocalMember().getAddress().getHost() + ":"
                + member.getCluster().getLocalMember().getAddress().getPort();
    }

    /** What the cluster part did, for the caller (and the test) to check. */
    record Outcome(long primes, int chunks, Map<String, Integer> chunksPerMember, String killed,
                   List<Long> memberPids) {
    }

    /** The demo's run: primes below 4,000,000 in 64 chunks. */
    static void run() throws Exception {
        run(System.out, LIMIT, CHUNKS);
    }

    /**
     * Starts two members, maps {@code chunks} chunks of the primes below {@code limit} across them
     * and SIGKILLs the second member once half the chunks are back; every wait is bounded and both
     * member JVMs are gone when this returns.
     */
    static Outcome run(PrintStream out, int limit, int chunks) throws Exception {
        if (chunks < 2 || limit < chunks) {
            throw new IllegalArgumentException("need at least 2 chunks and limit >= chunks, got limit " + limit
                    + " and " + chunks + " chunks");
        }
        out.println("== Cluster: two member JVMs on loopback, one killed halfway ==");
        HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
        String cluster = "jpool-demo-" + ProcessHandle.current().pid();
        String a = "127.0.0.1:" + freePort();
        String b = "127.0.0.1:" + freePort();
        List<Process> members = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (String address : List.of(a, b)) {
                members.add(new ProcessBuilder(ClusterMember.command(List.of("-Xmx256m"), "--cluster", cluster,
                        "--port", address.substring(address.indexOf(':') + 1), "--join", a + "," + b))
                        .redirectErrorStream(true).start());
            }
            for (Process p : members) {
                out.println(awaitReady(p).get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
            try (ClusterPool pool = ClusterPool.builder().client(a, b).clusterName(cluster).retries(2).build()) {
                out.printf("cluster of %d members up in %d ms%n", pool.stats().workers(),
                        (System.nanoTime() - t0) / 1_000_000);
                List<Integer> starts = new ArrayList<>();
                int step = limit / chunks;
                for (int i = 0; i < chunks; i++) {
                    starts.add(i * step);
                }
                int last = (chunks - 1) * step; // the last chunk runs to limit, whatever the rounding
                Map<String, Integer> ranOn = new TreeMap<>();
                long total = 0;
                int done = 0;
                t0 = System.nanoTime();
                // the whole map is bounded: a lost member's chunks are retried, a stuck cluster times out
                try (MapResult<String> r = pool.map((Integer s) -> countPrimes(s, s == last ? limit : s + step)
                                + "@" + here(), starts, MapOptions.defaults().ordered(false).timeout(MAP_TIMEOUT))) {
                    for (String result : r) {
                        String[] parts = result.split("@");
                        total += Integer.parseInt(parts[0]);
                        ranOn.merge(parts[1], 1, Integer::sum);
                        if (++done == chunks / 2) {
                            out.println("killing member " + b + " (SIGKILL) after " + done + " of " + chunks
                                    + " chunks; its chunks are re-run on " + a);
                            // killed on purpose: the client's connection-reset warnings would only repeat this line
                            HAZELCAST_LOG.setLevel(java.util.logging.Level.SEVERE);
                            members.get(1).destroyForcibly();
                        }
                    }
                }
                out.printf("%d primes below %d in %d ms%s; chunks per member: %s%n", total, limit,
                        (System.nanoTime() - t0) / 1_000_000, limit == LIMIT ? " (expected " + PRIMES_BELOW_LIMIT + ")" : "",
                        ranOn);
                return new Outcome(total, done, ranOn, b, members.stream().map(Process::pid).toList());
            }
        } finally {
            HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
            for (Process p : members) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            out.println();
        }
    }

    /** The member's "ready" line; its later output is drained so its pipe never fills. */
    private static CompletableFuture<String> awaitReady(Process p) {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("jpool member ")) {
                        ready.complete(line);
                    }
                }
            } catch (IOException e) {
                // the member is gone
            }
            ready.completeExceptionally(new IllegalStateException("a member exited before it was ready"));
        }, "cluster-demo-member-output");
        t.setDaemon(true);
        t.start();
        return ready;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
