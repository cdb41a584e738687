package io.jpool;

import io.jpool.internal.codec.ResultFilter;
import io.jpool.internal.process.ProcessAdaptiveConfig;
import io.jpool.internal.process.ProcessPoolConfig;
import io.jpool.internal.process.ProcessPoolImpl;
import io.jpool.internal.process.WorkerClassPath;
import io.jpool.internal.util.Checks;
import io.jpool.internal.util.Durations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A pool of reusable worker JVMs, for isolation: a task may crash its JVM, leak, hang or call
 * {@code System.exit}, and only that task fails.
 *
 * <ul>
 *   <li>Workers start lazily, up to {@code maxWorkers}, and are reused; an idle worker takes the
 *       next task before another starts.</li>
 *   <li>A worker that dies mid-task fails that task with {@link WorkerDiedException} (or re-runs
 *       it under {@link Builder#retries retries}); a fresh worker replaces it.</li>
 *   <li>A worker killed while it starts is replaced too. The pool breaks only if its initializer
 *       fails or starts keep failing; then every task not yet done fails with
 *       {@link BrokenPoolException}.</li>
 *   <li>Whatever a worker sends, the caller survives it: a result or exception that cannot be
 *       decoded (an Error in its {@code readObject}, out of memory) fails that task; a corrupt
 *       frame counts as the worker's death.</li>
 *   <li>A task past its time limit is killed with its worker ({@link TaskTimeoutException});
 *       {@code cancel(true)} on a running task does the same.</li>
 *   <li>Tasks, arguments and results travel over a private channel (named pipes, then a Unix
 *       domain socket, in a directory only your user can open). Common values (null, boxed
 *       primitives, {@code String}, {@code byte[]} and {@code Object[]} of those) and lambdas that
 *       capture only such values travel in a compact encoding of their own; anything else by Java
 *       serialization, read in the caller under an {@link java.io.ObjectInputFilter}.</li>
 *   <li>If the caller's JVM dies, its workers exit within seconds. A worker that exits or is
 *       killed takes every process its tasks started with it; tasks read an empty
 *       {@code System.in}.</li>
 *   <li>Isolation is against faults, not a sandbox: a worker runs as your user, with your
 *       environment, and can signal or ptrace its caller, read your files and open connections.
 *       For code you do not trust, start workers under OS limits or a sandbox with
 *       {@link Builder#launcher(String...) launcher}, and set
 *       {@link Builder#allowedResultClasses allowedResultClasses}. What a worker sends back is
 *       decoded under bounded-cost limits (listed in jpool's {@code docs/trust.md}), so a hostile result fails its
 *       task instead of pinning the caller's CPU or memory.</li>
 *   <li>Workers run with this JVM's class path, completed from the class loaders of jpool and of
 *       the building thread when the launcher's class path is not the application's
 *       ({@code mvn exec:java}, IDEs, servers); see {@link Builder#classpath(String)}.</li>
 *   <li>After each result a worker polls its channel for 50 microseconds before it blocks, so a
 *       task sent right after the last one skips the worker's wake-up (on a machine of more than
 *       one CPU); an idle worker uses no CPU.</li>
 *   <li>With {@link Builder#adaptive() adaptive()}, the pool sizes itself: about one worker per
 *       CPU for CPU-bound tasks, more (up to its max) for tasks that wait, never one more than the
 *       machine's free memory holds, and idle workers retire after an
 *       {@link Builder#idleTimeout idle timeout} and come back on demand
 *       ({@link #adaptiveStats()} says where it stands and why).</li>
 * </ul>
 */
public interface ProcessPool extends Pool {

    /** A pool of at most {@code maxWorkers} worker JVMs with default settings. */
    static ProcessPool create(int maxWorkers) {
        return builder().maxWorkers(maxWorkers).build();
    }

    /** A builder: as many workers as processors, this JVM's java and class path. */
    static Builder builder() {
        return new Builder();
    }

    /** The pids of the worker processes alive now. */
    List<Long> workerPids();

    /**
     * An {@link Builder#adaptive() adaptive} pool's sizing: the target it follows, the measured
     * wait/compute ratio of its busy workers, and why it last changed (or refused to start a worker
     * for memory, or retired an idle one), with the CPU share, a worker's RSS and the available
     * memory it last read. Empty for a pool of fixed size.
     */
    default Optional<AdaptiveStats> adaptiveStats() {
        return Optional.empty();
    }

    /**
     * Starts workers now, up to {@code maxWorkers}, so that the first tasks do not wait for a JVM
     * to start (like {@link java.util.concurrent.ThreadPoolExecutor#prestartAllCoreThreads()}); an
     * {@link Builder#adaptive() adaptive} pool starts as many as its target and free memory allow.
     * It returns at once; wait on the future to have the start-up off the first task's path:
     * <pre>{@code pool.prestart().join(); // every worker connected and initialised}</pre>
     *
     * @return a future of the number of workers this call started (0 when {@code maxWorkers} are
     *     already alive or starting); it completes when each of them has connected and run the
     *     pool's {@link Builder#initializer initializer}; when one of them could not start, it
     *     fails with the pool's {@link BrokenPoolException} if that broke the pool (its
     *     initializer failed, starts keep failing), else with a {@link WorkerDiedException}; both
     *     say why (exit code, the worker's stderr, the command)
     * @throws java.util.concurrent.RejectedExecutionException if the pool is shut down
     * @throws BrokenPoolException if the pool is broken
     */
    CompletableFuture<Integer> prestart();

    /** Builds a {@link ProcessPool}; every setter checks its argument at once. */
    final class Builder {
        private int maxWorkers = Runtime.getRuntime().availableProcessors();
        private final List<String> jvmOptions = new ArrayList<>();
        private String classpath = System.getProperty("java.class.path");
        private Path javaHome = Path.of(System.getProperty("java.home"));
        private final Map<String, String> environment = new HashMap<>();
        private RunnableTask initializer;
        private int maxTasksPerWorker = 0; // 0 = unlimited
        private Duration taskTimeout;
        private int retries;
        private WorkerOutput workerOutput = WorkerOutput.INHERIT;
        private Set<String> allowedResultClasses; // null = no allow-list
        private long maxResultBytes = 256L << 20;
        private boolean classDataSharing = true;
        private Path classDataDirectory; // null: the user's cache directory
        private List<String> launcher = List.of();
        private boolean maxWorkersSet;
        private int adaptiveMin = -1; // -1: not adaptive
        private int adaptiveMax;
        private Duration idleTimeout;

        /** How long an adaptive pool's worker stays idle before it retires, unless set. */
        static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

        Builder() {
        }

        /** The most worker JVMs at once; at least 1. Default: available processors. */
        public Builder maxWorkers(int maxWorkers) {
            this.maxWorkers = Checks.atLeast(maxWorkers, 1, "maxWorkers");
            this.maxWorkersSet = true;
            return this;
        }

        /**
         * Lets the pool size itself between 0 and as many workers as processors: see
         * {@link #adaptive(int, int)}. With no worker kept, an idle pool holds no JVM.
         */
        public Builder adaptive() {
            return adaptive(0, Runtime.getRuntime().availableProcessors());
        }

        /**
         * Lets the pool size itself between {@code min} and {@code max} workers, instead of a fixed
         * {@link #maxWorkers}. Workers still start on demand (a task with no idle worker starts one),
         * and no more of them run tasks at once than the pool's target. The pool reads, every
         * 200 ms, each busy worker's CPU time from the OS against the time it was busy, and starts
         * from {@code cpus x (1 + wait/compute)} workers: about one per CPU for CPU-bound tasks,
         * more for tasks that wait (give a {@code max} above the CPU count for those); time a worker
         * spent waiting for a CPU on a crowded machine (by the load average) counts as computing,
         * not waiting. From there it hill-climbs on the rate at which tasks end, as
         * {@link io.jpool.ThreadPool.Builder#adaptive() ThreadPool's adaptive()} does: it tries a
         * few workers more or fewer and keeps the fewest that give (nearly) the best rate. When
         * tasks are queued, every worker is busy and no task ended for a second (tasks waiting for
         * each other), it adds workers, again every half second while none ends, whatever the
         * estimate says; it shrinks when the work turns CPU-bound or the load falls. On top of that
         * it starts no worker unless the machine's available memory stays at least twice a worker's
         * measured RSS. A worker above the target retires after 3 s idle; one idle for
         * {@link #idleTimeout idleTimeout} (default 60 s) exits, down to {@code min}, as loky's
         * workers do. {@link ProcessPool#adaptiveStats()} tells the target and why (the controller
         * or the memory cap).
         *
         * @param min workers that never retire for idleness once started, 0 or more (0: an idle
         *            pool holds no JVM); a worker that dies or recycles is replaced when work
         *            comes, as in a pool of fixed size
         * @param max most workers at once, at least 1 and at least min
         */
        public Builder adaptive(int min, int max) {
            if (min < 0) {
                throw new IllegalArgumentException("adaptive min must be 0 or more, got " + min);
            }
            if (max < 1 || max < min) {
                throw new IllegalArgumentException("adaptive max must be at least 1 and at least min (" + min
                        + "), got " + max);
            }
            this.adaptiveMin = min;
            this.adaptiveMax = max;
            return this;
        }

        /**
         * How long an {@link #adaptive() adaptive} pool's worker may stay idle before it exits (down
         * to the pool's min); positive. Default 60 s. The pool looks at its workers every 200 ms,
         * so a worker exits up to about 0.4 s after its idle timeout. A pool of fixed size keeps its
         * workers.
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "idleTimeout is null");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout must be positive, got " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Options for each worker JVM, e.g. {@code "-Xmx256m"}. They come after jpool's defaults on
         * the command line, so where one repeats a default the user's wins. The defaults:
         * {@code -XX:+ExitOnOutOfMemoryError} (a worker out of memory dies with a known code),
         * {@code -Xshare:auto} with the pool's class-data archive (a quicker start),
         * {@code -XX:-UsePerfData} (no hsperfdata file per worker),
         * {@code -XX:+DisplayVMOutputToStderr} and, on Linux with the caller's own JDK,
         * {@code -Djava.nio.channels.spi.SelectorProvider=} the JDK's provider (a worker's first
         * socket then opens no jar of the class path looking for a provider service; name your own
         * provider there if you install one as a service). jpool sets no collector, heap, stack or compiler
         * option, because each of them trades a worker's memory against the speed of some tasks
         * (the serial collector slows a worker's start on JDK 17 and, with its AOT cache, takes more
         * memory on JDK 25; {@code -XX:TieredStopAtLevel=1} slows long CPU-bound tasks). A pool of many short, small tasks may still choose
         * {@code "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"}; jpool-bench's {@code WorkerMemory}
         * shows what an idle worker takes.
         */
        public Builder jvmOptions(String... options) {
            for (String o : Checks.notNull(options, "jvmOptions")) {
                Checks.notNull(o, "a jvm option");
            }
            jvmOptions.addAll(Arrays.asList(options));
            return this;
        }

        /**
         * The workers' class path; it must hold jpool-core and the tasks' classes. Default: this
         * JVM's {@code java.class.path}, plus, when jpool or the application was loaded from
         * elsewhere (under {@code mvn exec:java}, an IDE runner or an application server), the jars
         * and directories of the class loaders that loaded jpool and of the building thread's
         * context class loader. Set it when classes come from inside another jar (a Spring Boot
         * fat jar), which a worker cannot load: {@link #build()} then says so.
         */
        public Builder classpath(String classpath) {
            this.classpath = Checks.notBlank(classpath, "classpath", "it must hold jpool-core and your task classes");
            return this;
        }

        /** The JDK the workers run on; default: this JVM's {@code java.home}. */
        public Builder javaHome(Path javaHome) {
            Checks.notNull(javaHome, "javaHome");
            if (!Files.isExecutable(javaHome.resolve("bin").resolve("java"))) {
                throw new IllegalArgumentException("javaHome " + javaHome + " has no executable bin/java: give a JDK or JRE directory");
            }
            this.javaHome = javaHome;
            return this;
        }

        /** Extra environment variables for the workers (added to this JVM's environment). */
        public Builder environment(Map<String, String> environment) {
            Checks.notNull(environment, "environment");
            environment.forEach((k, v) -> {
                Checks.notNull(k, "an environment name");
                Objects.requireNonNull(v, "the environment value of " + k + " is null");
            });
            this.environment.putAll(environment);
            return this;
        }

        /** Runs once in each worker before its first task; if it throws, the pool is broken. */
        public Builder initializer(RunnableTask initializer) {
            this.initializer = Checks.notNull(initializer, "initializer");
            return this;
        }

        /** Recycles a worker (a new JVM, a new pid) after it ran this many tasks; at least 1. */
        public Builder maxTasksPerWorker(int n) {
            this.maxTasksPerWorker = Checks.atLeast(n, 1, "maxTasksPerWorker");
            return this;
        }

        /** Default time limit per task; past it the worker is killed and replaced. Positive, or null. */
        public Builder taskTimeout(Duration timeout) {
            this.taskTimeout = Durations.requirePositiveOrNull(timeout, "taskTimeout");
            return this;
        }

        /**
         * How many times a task whose worker died is run again on a fresh worker; 0 or more.
         * Never after a timeout, a cancel or an exception thrown by the task.
         *
         * <p>Retries are <em>at-least-once</em>: a worker may die halfway through a task, so a
         * task that is run again may already have partly run (written a file, sent a message);
         * make retried tasks idempotent. Its result reaches the caller once, and a map's items
         * come back once each, in order.
         *
         * <p>What counts as an attempt: a task counts one each time its frame reached a worker
         * whole. A task whose frame could not be written (the worker died as it was sent) never
         * ran there and is sent again without using up a retry, even with {@code retries(0)}; nor
         * does a worker killed while it started (say by the OOM killer) cost any task a retry: it
         * is replaced. If the pool breaks (its initializer failed, three starts in a row failed
         * with no successful start since, or workers kept being killed while they started for a
         * minute with none started), a task due for a retry fails with
         * {@link io.jpool.BrokenPoolException} instead.
         */
        public Builder retries(int retries) {
            this.retries = Checks.atLeast(retries, 0, "retries");
            return this;
        }

        /** Where the workers' stdout and stderr go; default {@link WorkerOutput#INHERIT}. */
        public Builder workerOutput(WorkerOutput output) {
            this.workerOutput = Checks.notNull(output, "workerOutput");
            return this;
        }

        /**
         * Only these classes (names; a trailing {@code .*} or {@code .**} allows a package, as in
         * {@link java.io.ObjectInputFilter} patterns) may appear in results and exceptions read
         * from workers, besides the JDK's ({@code java.*}, {@code javax.*}, so JDK exceptions
         * always arrive as themselves) and jpool's own. A class outside the list is never loaded
         * into an instance in the caller: a result holding one fails its task naming the class,
         * and an exception of one arrives as a {@link RemoteTaskException} (class name, message,
         * remote trace). Default: no allow-list, only the decoding limits ({@code docs/trust.md}).
         */
        public Builder allowedResultClasses(String... patterns) {
            Checks.notNull(patterns, "patterns");
            for (String pattern : patterns) {
                ResultFilter.checkPattern(pattern);
            }
            this.allowedResultClasses = Set.of(patterns);
            return this;
        }

        /** The largest result or exception a worker may send, in bytes; default 256 MiB. */
        public Builder maxResultBytes(long bytes) {
            this.maxResultBytes = Checks.atLeast(bytes, 1L, "maxResultBytes");
            return this;
        }

        /**
         * Whether workers share a class-data archive (default: yes). When the worker class path is
         * made of jar files only (the JVM refuses non-empty directories there), the first worker records
         * the classes it loaded into an archive as it exits cleanly, and later workers, in this
         * pool and in later runs, map them from it and start faster. On JDK 25 and later the
         * archive is an AOT cache (JEP 483/514), which the worker records as it exits and a
         * background JVM then assembles, silently; a cache the JVM cannot use is ignored. The archives live in
         * {@code $XDG_CACHE_HOME/jpool/cds} (default {@code ~/.cache/jpool/cds}), one per JDK,
         * class path (names, sizes, dates) and JVM options; unused ones go after 30 days. Off, or
         * with your own {@code -Xshare}/{@code -XX:SharedArchiveFile}/{@code -XX:AOT...} options,
         * workers use only the JDK's own archive (or yours).
         */
        public Builder classDataSharing(boolean on) {
            this.classDataSharing = on;
            return this;
        }

        /** Class data sharing on (see {@link #classDataSharing(boolean)}), with the archives in {@code directory}. */
        public Builder classDataSharing(Path directory) {
            this.classDataDirectory = Checks.notNull(directory, "directory");
            this.classDataSharing = true;
            return this;
        }

        /**
         * Starts each worker JVM through {@code command}: the worker's command line becomes
         * {@code command} followed by {@code java ...}. This is how workers run under OS limits or a
         * sandbox, which jpool itself does not give (see the class note): for example
         * {@code launcher("prlimit", "--as=2000000000", "--")}, {@code launcher("setpriv",
         * "--no-new-privs", "--")}, {@code launcher("nice", "-n", "10")} or
         * {@code launcher("systemd-run", "--user", "--scope", "-p", "MemoryMax=1G", "--")}.
         * <p>The launcher should exec the command it is given (as all of these do), so that the
         * worker's pid is the launcher's. One that forks and waits (such as {@code bwrap}) works
         * too: the pool kills a worker together with all its descendants, stdin and the channel
         * pass through, and {@link ProcessPool#workerPids()} then lists the launchers' pids.
         * Default: none, {@code java} is started directly.
         *
         * @throws IllegalArgumentException if a word of {@code command} is null or empty
         */
        public Builder launcher(String... command) {
            Checks.notNull(command, "command");
            return launcher(Arrays.asList(command));
        }

        /** As {@link #launcher(String...)}; an empty list starts {@code java} directly again. */
        public Builder launcher(List<String> command) {
            Checks.notNull(command, "command");
            if (command.isEmpty()) {
                this.launcher = List.of();
                return this;
            }
            for (String word : command) {
                if (word == null || word.isEmpty()) {
                    throw new IllegalArgumentException("launcher words must be non-empty, got " + command
                            + "; pass the program first, e.g. launcher(\"prlimit\", \"--as=2000000000\", \"--\")");
                }
            }
            this.launcher = List.copyOf(command);
            return this;
        }

        /**
         * Builds the pool. No worker starts until the first task is submitted.
         *
         * @throws IllegalStateException if no {@link #classpath(String) classpath} was set and jpool
         *     was loaded from inside another jar, where a worker cannot load it
         */
        public ProcessPool build() {
            ProcessAdaptiveConfig adaptive = null;
            if (adaptiveMin >= 0) {
                if (maxWorkersSet) {
                    throw new IllegalStateException("both maxWorkers(" + maxWorkers + ") and adaptive() were set: "
                            + "an adaptive pool's most workers is adaptive(min, max)'s max; choose one");
                }
                adaptive = new ProcessAdaptiveConfig(adaptiveMin, adaptiveMax,
                        Durations.toNanos(idleTimeout != null ? idleTimeout : DEFAULT_IDLE_TIMEOUT));
            } else if (idleTimeout != null) {
                throw new IllegalStateException("idleTimeout(" + idleTimeout + ") was set but not adaptive(): "
                        + "a pool of fixed size keeps its workers; call adaptive() or adaptive(min, max) too");
            }
            return new ProcessPoolImpl(new ProcessPoolConfig(adaptive != null ? adaptive.max() : maxWorkers,
                    List.copyOf(jvmOptions),
                    WorkerClassPath.resolve(classpath),
                    javaHome, Map.copyOf(environment), initializer, maxTasksPerWorker, taskTimeout, retries,
                    workerOutput, allowedResultClasses, maxResultBytes, classDataSharing ? classDataDirectory : null,
                    classDataSharing, launcher, adaptive));
        }
    }
}
