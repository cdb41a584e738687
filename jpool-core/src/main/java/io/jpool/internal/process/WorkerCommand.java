package io.jpool.internal.process;

import io.jpool.internal.process.worker.WorkerMain;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a worker JVM: the user's launcher prefix if any (prlimit, setpriv...), then
 * java with jpool's defaults for a quick start and a known way to die, then the user's options (which win where they repeat one), then the class path and main class.
 * Nothing secret goes here: {@code ps} shows it. The token travels over stdin.
 *
 * <p>No {@code -Xshare:auto}: it is the JVM's default already, and JDK 24+ refuses to start with
 * it beside an AOT cache option ({@code -XX:AOTCache}), the user's or {@link WorkerArchive}'s.
 *
 * <p>On Linux, with the caller's own JDK, the worker is told the JDK's selector provider by name
 * ({@link #SELECTOR_PROVIDER}). Without it, a JVM's first socket (a worker's move from its pipes to
 * the pool's socket, after its first result) looks for a provider service on the class path, which
 * opens every jar on it and keeps their directories in memory for the worker's life, the more the
 * longer the class path (docs/performance.md, "A worker's memory"). A provider installed as such a
 * service is then not found in workers; naming it in {@code jvmOptions} restores it (the user's
 * option wins).
 */
final class WorkerCommand {
    /** The system property that names the selector provider, read before any service look-up. */
    static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";
    /** The JDK's own provider on Linux, the one the look-up falls back to; checked to exist before use. */
    private static final String LINUX_PROVIDER = "sun.nio.ch.EPollSelectorProvider";
    /** {@code -D<property>=<provider>} if this JDK on this OS has {@link #LINUX_PROVIDER}; else null. */
    private static final String PROVIDER_OPTION = providerOption();

    private WorkerCommand() {
    }

    static List<String> build(ProcessPoolConfig config) {
        return build(config, List.of());
    }

    /** The command with {@code extra} options after jpool's and before the user's. */
    static List<String> build(ProcessPoolConfig config, List<String> extra) {
        List<String> cmd = jvm(config, extra);
        cmd.add(WorkerMain.class.getName());
        return cmd;
    }

    /**
     * The worker's command up to its class path, without the main class: for a JVM that must see
     * the worker's JDK, options and class path but run no worker (an AOT cache's assembly).
     */
    static List<String> jvm(ProcessPoolConfig config, List<String> extra) {
        List<String> cmd = new ArrayList<>(config.launcher());
        cmd.add(config.javaHome().resolve("bin").resolve("java").toString());
        cmd.add("-XX:+ExitOnOutOfMemoryError"); // out of memory: exit code 3, told apart in the report
        // No -XX:+UseSerialGC: on JDK 17 only G1 maps the archived heap (module graph, strings), which
        // makes a worker start sooner; the JVM picks the serial collector itself on small machines.
        cmd.add("-XX:-UsePerfData");            // no hsperfdata file per worker
        cmd.add("-XX:+DisplayVMOutputToStderr"); // the JVM's own messages (out of memory) join the stderr tail
        if (PROVIDER_OPTION != null && sameJdk(config.javaHome())) {
            cmd.add(PROVIDER_OPTION); // no class-path scan at the worker's first socket (see the class comment)
        }
        cmd.addAll(extra);
        cmd.addAll(config.jvmOptions());
        cmd.add("-cp");
        cmd.add(config.classpath());
        return cmd;
    }

    /** True if {@code javaHome} is this JVM's: only then is {@link #PROVIDER_OPTION}'s class known to be there. */
    private static boolean sameJdk(Path javaHome) {
        Path own = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
        return own.equals(javaHome.toAbsolutePath().normalize());
    }

    private static String providerOption() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        try {
            Class.forName(LINUX_PROVIDER, false, null); // present in this JDK; not initialised
            return "-D" + SELECTOR_PROVIDER + "=" + LINUX_PROVIDER;
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // another JDK: workers look the provider up as any JVM does
        }
    }
}
