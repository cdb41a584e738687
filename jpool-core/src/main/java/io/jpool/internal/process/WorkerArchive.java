package io.jpool.internal.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The class-data archive of a pool's worker JVMs: the classes a worker loads (the JDK's beyond
 * its default archive, jpool's, the tasks'), mapped ready-made into later workers instead of
 * being loaded, verified and linked again. On JDK 25 and later it is an AOT cache (JEP 483/514:
 * the classes also linked, their constants resolved, method profiles); before, an AppCDS
 * dynamic archive.
 *
 * <h2>How it works</h2>
 * One archive per key: a hash of the JDK (its path and {@code release} file), the class path
 * (each jar's path, size and date) and the JVM options, so a changed jar, JDK or option makes a
 * new archive instead of one the JVM would refuse; the JVM also checks what it maps and ignores an
 * archive that does not match (or is damaged), silently, as the worker's log options ask. If
 * {@code <key>.jsa} (or {@code .aot}) exists in the cache directory, workers get
 * {@code -XX:SharedArchiveFile} (or {@code -XX:AOTCache}). If not, the next worker started
 * records: with {@code -XX:ArchiveClassesAtExit} it writes the archive as it exits, to a
 * temporary name that the pool renames into place once the worker exited cleanly (exit code 0;
 * a killed worker leaves only a file that is deleted), before the pool counts it gone. With
 * {@code -XX:AOTMode=record} it writes a configuration as it exits, from which
 * {@link AotCacheAssembly} makes the cache in the background. One worker per key and caller JVM
 * records; the others start without meanwhile. A recording or assembly that fails is not tried
 * again by this JVM (an AppCDS archive is, by the next worker started). Files of other callers' runs never clash: each
 * temporary name carries its JVM's pid and a nonce, and the last step is an atomic rename.
 *
 * <p>Only jar class paths qualify (the JVM refuses non-empty directories), and only when the
 * user set no CDS or AOT option of their own. The cache directory must be this user's and 0700:
 * an archive is code the worker runs.
 */
final class WorkerArchive {
    private static final WorkerArchive NONE = new WorkerArchive(null, null, null);
    private static final Set<Path> BEING_MADE = ConcurrentHashMap.newKeySet();
    /**
     * AOT caches this JVM recorded or assembles, or failed to: one attempt each (a recording costs
     * the worker, an assembly a JVM's start), until the cache exists.
     */
    private static final Set<Path> TRIED = ConcurrentHashMap.newKeySet();
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    /** Every tag set under aot and cds ({@code aot+heap}...), not only the bare ones. */
    private static final List<String> QUIET_AOT = List.of("-Xlog:aot*=off", "-Xlog:cds*=off");
    /**
     * A recording JVM prints "AOTConfiguration recorded" as VM output, not as a log message: off
     * for that one worker, or the user's stderr would show it. Its out-of-memory exit keeps its code.
     */
    private static final List<String> RECORD_SILENTLY = List.of("-XX:+UnlockDiagnosticVMOptions",
            "-XX:-DisplayVMOutput", "-XX:AOTMode=record");
    /** The first JDK whose AOT cache is used: JEP 514 made it a finished feature in 25. */
    static final int FIRST_AOT_JDK = 25;
    private static final Duration UNUSED_FOR = Duration.ofDays(30);
    private static final Duration ABANDONED_AFTER = Duration.ofHours(1);

    private final ProcessPoolConfig config;
    private final Path dir;
    /** {@code <key>.jsa}, or {@code <key>.aot} for an AOT cache; null if none applies. */
    private final Path archive;
    private volatile boolean touched;

    private WorkerArchive(ProcessPoolConfig config, Path dir, Path archive) {
        this.config = config;
        this.dir = dir;
        this.archive = archive;
    }

    /** The archive for {@code config}'s workers, or one that adds nothing if it does not apply. */
    static WorkerArchive of(ProcessPoolConfig config) {
        if (!config.classDataSharing() || userSetCds(config.jvmOptions())) {
            return NONE;
        }
        try {
            String key = key(config);
            if (key == null) {
                return NONE;
            }
            Path dir = cacheDirectory(config.classDataDirectory());
            String kind = jdkFeature(config.javaHome()) >= FIRST_AOT_JDK ? ".aot" : ".jsa";
            return dir == null ? NONE : new WorkerArchive(config, dir, dir.resolve(key + kind));
        } catch (IOException | RuntimeException e) {
            return NONE; // no archive: workers start as they would without one
        }
    }

    /**
     * What one worker's command line gets.
     *
     * @param making the file it writes as it exits (the archive's, or the AOT configuration's,
     *               temporary name); null if it writes none
     */
    record Plan(List<String> options, Path making) {
    }

    private boolean aot() {
        return archive.getFileName().toString().endsWith(".aot");
    }

    /** The options for the next worker: use the archive, make it at exit, or nothing. */
    Plan next() {
        if (archive == null) {
            return new Plan(List.of(), null);
        }
        if (Files.isRegularFile(archive)) {
            if (!touched) {
                touched = true;
                try {
                    Files.setLastModifiedTime(archive, FileTime.from(Instant.now())); // in use: not stale
                } catch (IOException ignored) {
                    // only its age is wrong
                }
            }
            return new Plan(aot() ? concat(QUIET_AOT, "-XX:AOTCache=" + archive)
                    : concat(QUIET, "-XX:SharedArchiveFile=" + archive), null);
        }
        if (!(aot() ? TRIED : BEING_MADE).add(archive)) {
            return new Plan(List.of(), null); // another worker of this JVM makes it now (or failed to)
        }
        removeStale();
        if (aot()) {
            Path configuration = temporary(".aotconf");
            List<String> options = new ArrayList<>(QUIET_AOT);
            options.addAll(RECORD_SILENTLY);
            options.add("-XX:AOTConfiguration=" + configuration);
            return new Plan(List.copyOf(options), configuration);
        }
        Path tmp = temporary("");
        return new Plan(concat(QUIET, "-XX:ArchiveClassesAtExit=" + tmp), tmp);
    }

    /** A name in the cache directory no other caller uses: this JVM's pid and a nonce. */
    private Path temporary(String suffix) {
        return dir.resolve(archive.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()) + suffix + ".tmp");
    }

    /**
     * The worker of {@code plan} has exited with {@code exitCode} (-1: it never started): if it
     * made the archive and ended cleanly, the archive goes into place (an AOT configuration goes
     * to its assembly, which runs on after this returns); its temporary file goes in any case.
     */
    void exited(Plan plan, int exitCode) {
        if (plan == null || plan.making() == null) {
            return;
        }
        if (aot()) {
            assembleOrDiscard(plan.making(), exitCode);
            return;
        }
        try {
            if (exitCode == 0 && Files.isRegularFile(plan.making()) && Files.size(plan.making()) > 0) {
                Files.move(plan.making(), archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException ignored) {
            // not made this time: a later worker tries again
        } finally {
            AotCacheAssembly.deleteQuietly(plan.making());
            BEING_MADE.remove(archive);
        }
    }

    private void assembleOrDiscard(Path configuration, int exitCode) {
        boolean recorded;
        try {
            recorded = exitCode == 0 && Files.isRegularFile(configuration) && Files.size(configuration) > 0;
        } catch (IOException | RuntimeException e) {
            recorded = false;
        }
        if (!recorded) {
            AotCacheAssembly.deleteQuietly(configuration); // and no other attempt in this JVM
            return;
        }
        Path made = temporary(".aot"); // the .tmp suffix: the sweep removes it if the job is lost
        List<String> create = new ArrayList<>(QUIET_AOT);
        create.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + configuration, "-XX:AOTCache=" + made));
        AotCacheAssembly.start(WorkerCommand.jvm(config, create), config.environment(), configuration, made, archive,
                () -> {
                    if (Files.isRegularFile(archive)) {
                        TRIED.remove(archive); // made: should it go, a later worker records again
                    }
                });
    }

    private static List<String> concat(List<String> a, String b) {
        return List.of(a.get(0), a.get(1), b);
    }

    private static boolean userSetCds(List<String> options) {
        for (String o : options) {
            if (o.startsWith("-Xshare") || o.contains("SharedArchiveFile") || o.contains("ArchiveClassesAtExit")
                    || o.contains("SharedClassListFile") || o.contains("AutoCreateSharedArchive")
                    || o.contains("UseSharedSpaces") || o.startsWith("-XX:AOT")) {
                return true;
            }
        }
        return false;
    }

    /** The hash naming the archive, or null if the class path is not all jar files. */
    private static String key(ProcessPoolConfig config) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
        Path home = config.javaHome().toRealPath();
        update(sha, home.toString());
        Path release = home.resolve("release");
        update(sha, Files.isRegularFile(release) ? Files.readString(release) : System.getProperty("java.vm.version"));
        String[] entries = config.classpath().split(File.pathSeparator);
        if (entries.length == 0 || config.classpath().isEmpty()) {
            return null;
        }
        for (String entry : entries) {
            Path p = Path.of(entry).toAbsolutePath();
            if (!entry.endsWith(".jar") || !Files.isRegularFile(p)) {
                return null; // a directory (or anything else): the JVM would refuse to archive
            }
            update(sha, p + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis());
        }
        update(sha, String.join("\u0000", WorkerCommand.build(config)));
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    /**
     * The JDK's feature release from its {@code release} file ({@code JAVA_VERSION="25.0.1"}),
     * or 0 if it cannot be read (then no option newer than JDK 17's is given).
     */
    static int jdkFeature(Path javaHome) {
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    int end = 0;
                    while (end < v.length() && Character.isDigit(v.charAt(end))) {
                        end++;
                    }
                    return end == 0 || end > 4 ? 0 : Integer.parseInt(v.substring(0, end));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no release file: an unknown JDK
        }
        return 0;
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    /**
     * {@code chosen}, or {@code $XDG_CACHE_HOME/jpool/cds} or {@code ~/.cache/jpool/cds}; made
     * 0700 if new. Null if it is not this user's alone.
     */
    private static Path cacheDirectory(Path chosen) throws IOException {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path dir = chosen != null ? chosen : base.resolve("jpool").resolve("cds");
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rwx------");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(owner));
        }
        boolean ours = Files.getOwner(dir).getName().equals(System.getProperty("user.name"))
                && Files.getPosixFilePermissions(dir).equals(owner);
        return ours ? dir : null;
    }

    /** Deletes archives unused for 30 days and temporary files left by callers that died. */
    private void removeStale() {
        Instant now = Instant.now();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                FileTime modified = Files.getLastModifiedTime(f);
                Duration age = Duration.between(modified.toInstant(), now);
                if ((name.endsWith(".tmp") && age.compareTo(ABANDONED_AFTER) > 0)
                        || ((name.endsWith(".jsa") || name.endsWith(".aot")) && age.compareTo(UNUSED_FOR) > 0)) {
                    AotCacheAssembly.deleteQuietly(f);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // a cache: tidy it next time
        }
    }
}
