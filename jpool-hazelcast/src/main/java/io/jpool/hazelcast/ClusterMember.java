package io.jpool.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a cluster member that runs {@link ClusterPool} tasks, with the application's classes on
 * its class path:
 * <pre>
 * java -cp app.jar:jpool-core.jar:jpool-hazelcast.jar:hazelcast.jar io.jpool.hazelcast.ClusterMember \
 *      --cluster jpool --bind 127.0.0.1 --port 5701 --join 127.0.0.1:5701,127.0.0.1:5702
 * </pre>
 * Options: {@code --cluster NAME} (default {@code jpool}), {@code --bind HOST} (default
 * {@code 127.0.0.1}: this machine only), {@code --port N} (first port tried, default 5701),
 * {@code --join HOST:PORT,...} (members to join; default this member's own address),
 * {@code --threads N} (tasks run at once, default 16), {@code --allow PREFIX,...} (only these
 * classes, besides the JDK's, Hazelcast's and jpool's, may be deserialized: see
 * {@link ClusterPool.Builder#allowedClasses}), {@code --exit-with-parent} (stop when
 * standard input closes, so a member started by another program never outlives it), {@code --help}.
 * Once in the cluster it prints one line {@code jpool member HOST:PORT ready in cluster NAME}. A
 * wrong option prints what was wrong and the usage, and exits with status 2.
 *
 * <p>On a machine with fewer than 3 CPUs it gives the JVM's common pool a parallelism of 2 unless
 * the command line sets one: at parallelism 1 Hazelcast's default async executor starts a thread
 * for every completed invocation (see the README).
 */
public final class ClusterMember {
    /**
     * JVM options that open the JDK internals Hazelcast uses (without them JDK 17+ prints a
     * warning and Hazelcast falls back to slower paths).
     */
    public static final List<String> JVM_FLAGS = List.of("--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    private static final String COMMON_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    private static final String USAGE = "usage: ClusterMember [--cluster NAME] [--bind HOST] [--port N] "
            + "[--join HOST:PORT,...] [--threads N] [--allow PREFIX,...] [--exit-with-parent]\n"
            + "  --cluster NAME        the cluster to form or join (default jpool)\n"
            + "  --bind HOST           the address to listen on (default 127.0.0.1: this machine only)\n"
            + "  --port N              the first port tried (default 5701)\n"
            + "  --join HOST:PORT,...  members to join (default this member's own address)\n"
            + "  --threads N           tasks run at once (default 16)\n"
            + "  --allow PREFIX,...    classes besides the JDK's, Hazelcast's and jpool's that may be deserialized\n"
            + "  --exit-with-parent    stop when standard input closes";

    private ClusterMember() {
    }

    /**
     * The command that starts a member in a new JVM with this JVM's {@code java}, class path and
     * {@link #JVM_FLAGS} (on JDK 24+ also {@code --sun-misc-unsafe-memory-access=allow}; with
     * fewer than 3 CPUs also a common pool of parallelism 2, see the README), plus {@code --exit-with-parent}: for a program (a demo, a test) that
     * starts members on this machine with {@link ProcessBuilder}.
     *
     * @param jvmOptions extra JVM options, such as {@code -Xmx512m}
     * @param memberArgs the member's options, such as {@code --join 127.0.0.1:5701}
     */
    public static List<String> command(List<String> jvmOptions, String... memberArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(JVM_FLAGS);
        if (Runtime.getRuntime().availableProcessors() < 3) {
            // With a common pool of parallelism 1 (fewer than 3 CPUs), Hazelcast's default async
            // executor starts a new thread for every completed invocation.
            cmd.add("-D" + COMMON_PARALLELISM + "=2");
        }
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow"); // else JDK 24+ warns about Hazelcast's Unsafe use
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ClusterMember.class.getName());
        cmd.addAll(Arrays.asList(memberArgs));
        cmd.add("--exit-with-parent");
        return cmd;
    }

    /** Starts the member; see the class comment for the options. */
    public static void main(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        keepTheCommonPoolOffOneThread();
        try {
            run(args);
        } catch (UsageException e) {
            System.err.println("ClusterMember: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    /**
     * Sets the common pool's parallelism to 2 where it would be 1, before anything uses the pool
     * (its size is read once, when the pool is first touched); a value on the command line wins.
     */
    static void keepTheCommonPoolOffOneThread() {
        if (System.getProperty(COMMON_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() < 3) {
            System.setProperty(COMMON_PARALLELISM, "2");
        }
    }

    private static void run(String[] args) throws InterruptedException {
        String cluster = "jpool";
        String bind = "127.0.0.1";
        int port = 5701;
        int threads = 16;
        List<String> join = new ArrayList<>();
        List<String> allow = new ArrayList<>();
        boolean exitWithParent = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--cluster": cluster = value(args, ++i, a); break;
                case "--bind": bind = value(args, ++i, a); break;
                case "--port": port = number(value(args, ++i, a), a); break;
                case "--threads": threads = number(value(args, ++i, a), a); break;
                case "--join":
                    for (String j : value(args, ++i, a).split(",")) {
                        if (!j.isBlank()) {
                            join.add(j.trim());
                        }
                    }
                    break;
                case "--allow":
                    for (String p : value(args, ++i, a).split(",")) {
                        if (!p.isBlank()) {
                            allow.add(p.trim());
                        }
                    }
                    break;
                case "--exit-with-parent": exitWithParent = true; break;
                default:
                    throw usage("unknown option " + a);
            }
        }
        Config cfg = HazelcastConfigs.member(cluster, bind, port, join);
        cfg.getExecutorConfig("jpool").setPoolSize(threads);
        HazelcastConfigs.allow(cfg.getSerializationConfig(), allow);
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        hz.getLifecycleService().addLifecycleListener(e -> {
            if (!hz.getLifecycleService().isRunning()) {
                stopped.countDown();
            }
        });
        System.out.println("jpool member " + hz.getCluster().getLocalMember().getAddress().getHost() + ":"
                + hz.getCluster().getLocalMember().getAddress().getPort() + " ready in cluster " + cluster);
        System.out.flush();
        if (exitWithParent) {
            Thread watcher = new Thread(() -> {
                waitForEndOfInput(System.in);
                hz.shutdown();
            }, "jpool-member-parent-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }

    private static void waitForEndOfInput(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // discard: only the end of input matters
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone too
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw usage(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String s, String option) {
        try {
            int n = Integer.parseInt(s);
            if (n < 1) {
                throw usage(option + " must be at least 1, got " + s);
            }
            return n;
        } catch (NumberFormatException e) {
            throw usage(option + " needs a number, got " + s);
        }
    }

    private static UsageException usage(String problem) {
        return new UsageException(problem);
    }

    /** A wrong command line: main prints its message and the usage. */
    private static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String problem) {
            super(problem);
        }
    }
}
