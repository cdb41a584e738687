package io.jpool.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClusterMember} started by hand, as the README's shell lines start it: {@code --help},
 * a wrong option, and the common pool's size on a 2-CPU machine when the command line sets none.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterMemberCommandLineTest {
    /**
     * The test's own driver threads (killer, canceller, closer): on 2 CPUs the common pool has one
     * active worker, which a driver's loop would hold while the next driver's job waits for ever.
     */
    private static final java.util.concurrent.ExecutorService DRIVERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-driver");
        t.setDaemon(true);
        return t;
    });

    private final List<Process> started = new ArrayList<>();
    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        members.forEach(m -> m.getLifecycleService().terminate());
        for (Process p : started) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** {@code java [jvmOptions] -cp <this class path> ClusterMember [args]}, as a user types it. */
    private Process member(List<String> jvmOptions, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(ClusterMember.JVM_FLAGS);
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Dhazelcast.phone.home.enabled=false", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), ClusterMember.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        started.add(p);
        return p;
    }

    private static CompletableFuture<String> readAll(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toString(StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        }, DRIVERS);
    }

    @Test
    void helpPrintsEveryOptionAndExitsZero() throws Exception {
        Process p = member(List.of(), "--help");
        CompletableFuture<String> out = readAll(p.getInputStream());
        CompletableFuture<String> err = readAll(p.getErrorStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("stderr: %s", err.get()).isZero();
        assertThat(out.get()).contains("usage: ClusterMember", "--cluster NAME", "--join HOST:PORT",
                "--threads N", "--allow PREFIX", "--exit-with-parent");
    }

    @Test
    void aWrongOptionSaysWhatWasWrongWithoutAStackTraceAndExitsTwo() throws Exception {
        for (String[] args : new String[][] {{"--port", "zero"}, {"--threads", "0"}, {"--join"}, {"--prot", "5701"}}) {
            Process p = member(List.of(), args);
            CompletableFuture<String> err = readAll(p.getErrorStream());
            readAll(p.getInputStream());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("exit status for %s", List.of(args)).isEqualTo(2);
            assertThat(err.get()).as("stderr for %s", List.of(args))
                    .startsWith("ClusterMember: ").contains(args[0], "usage: ClusterMember")
                    .doesNotContain("Exception", "\tat ");
        }
    }

    /** Runs on a member: the size of that member's common pool. */
    static final class CommonPoolSize implements Callable<Integer>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer call() {
            return ForkJoinPool.getCommonPoolParallelism();
        }
    }

    @Test
    void aMemberStartedByHandOnTwoCpusGetsTwoCommonPoolThreadsUnlessItsCommandLineSaysOtherwise() throws Exception {
        String cluster = "jpool-cli-" + UUID.randomUUID();
        String here = "127.0.0.1:" + LoopbackCluster.freePort();
        String plain = "127.0.0.1:" + LoopbackCluster.freePort();
        String pinned = "127.0.0.1:" + LoopbackCluster.freePort();
        String join = String.join(",", here, plain, pinned);
        List<String> twoCpus = List.of("-XX:ActiveProcessorCount=2");
        member(twoCpus, "--cluster", cluster, "--port", port(plain), "--join", join, "--exit-with-parent");
        member(List.of("-XX:ActiveProcessorCount=2", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=1"),
                "--cluster", cluster, "--port", port(pinned), "--join", join, "--exit-with-parent");
        Config cfg = HazelcastConfigs.member(cluster, "127.0.0.1", Integer.parseInt(port(here)), List.of(here, plain, pinned));
        cfg.getNetworkConfig().setPortAutoIncrement(false);
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(cfg);
        members.add(hz);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (hz.getCluster().getMembers().size() < 3) {
            assertThat(System.nanoTime()).as("the two hand-started members never joined").isLessThan(deadline);
            Thread.sleep(50); // the cluster's membership: nothing to wait on but polling
        }
        assertThat(commonPoolOf(hz, plain)).as("a member started with no parallelism on 2 CPUs").isEqualTo(2);
        assertThat(commonPoolOf(hz, pinned)).as("a member whose command line sets parallelism 1").isEqualTo(1);
    }

    private static int commonPoolOf(HazelcastInstance hz, String address) throws Exception {
        Member target = hz.getCluster().getMembers().stream()
                .filter(m -> (m.getAddress().getHost() + ":" + m.getAddress().getPort()).equals(address))
                .findFirst().orElseThrow(() -> new AssertionError("no member at " + address));
        return hz.getExecutorService("cli-probe").submitToMember(new CommonPoolSize(), target).get(60, TimeUnit.SECONDS);
    }

    private static String port(String address) {
        return address.substring(address.indexOf(':') + 1);
    }
}
