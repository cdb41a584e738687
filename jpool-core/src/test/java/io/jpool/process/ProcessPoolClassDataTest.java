package io.jpool.process;

import io.jpool.ProcessPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Workers on a class path of jars share a class-data archive: the first one makes it as it exits
 * cleanly, the next ones start with it. Directories on the class path, or CDS options of the
 * user's own, mean no archive. These are the AppCDS archives of workers on a JDK before 25 (a
 * JDK 17 here, whichever JDK runs the tests); ProcessPoolAotCacheTest has JDK 25's AOT cache.
 */
class ProcessPoolClassDataTest {
    /** This test's classes and jpool's, as one jar, then the jars of the test class path. */
    private static String jarClassPath;
    /** A JDK whose workers get an AppCDS archive, not an AOT cache. */
    private static Path home;

    @BeforeAll
    static void jarTheClassPath(@TempDir Path jars) throws IOException {
        home = Jdks.find(feature -> feature < 25).orElse(null);
        jarClassPath = jarClassPath(jars);
    }

    /** This test's classes and jpool's, as one jar in {@code jars}, then the jars of the test class path. */
    static String jarClassPath(Path jars) throws IOException {
        List<String> entries = new ArrayList<>();
        Path jar = jars.resolve("jpool-and-tests.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(e);
                if (Files.isDirectory(p)) {
                    addTree(p, out);
                } else if (e.endsWith(".jar") && Files.isRegularFile(p)) {
                    entries.add(e);
                }
            }
        }
        entries.add(0, jar.toString());
        return String.join(File.pathSeparator, entries);
    }

    private static ProcessPool.Builder pool() {
        assumeTrue(home != null, "no JDK before 25 installed (the tests run on "
                + Runtime.version().feature() + ")");
        return ProcessSupport.pool(1).javaHome(home).classpath(jarClassPath);
    }

    private static void addTree(Path root, JarOutputStream out) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = root.relativize(f).toString().replace(File.separatorChar, '/');
                if (name.startsWith("META-INF/")) {
                    continue;
                }
                try {
                    out.putNextEntry(new JarEntry(name));
                } catch (java.util.zip.ZipException duplicate) {
                    continue; // the first class path entry wins, as in the JVM
                }
                Files.copy(f, (OutputStream) out);
                out.closeEntry();
            }
        }
    }

    static List<String> jvmArguments() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments();
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void theFirstWorkerMakesTheArchiveAndLaterWorkersStartWithIt(@TempDir Path cds) throws Exception {
        try (ProcessPool pool = pool().classDataSharing(cds).build()) {
            List<String> args = pool.submit(ProcessPoolClassDataTest::jvmArguments).get();
            assertThat(args).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + cds));
        } // a clean exit: the worker writes the archive, the pool renames it into place
        List<String> made = files(cds);
        assertThat(made).as("one archive, no temporary file").hasSize(1).allMatch(n -> n.endsWith(".jsa"));
        Path archive = cds.resolve(made.get(0));

        try (ProcessPool pool = pool().classDataSharing(cds).build()) {
            List<String> args = pool.submit(ProcessPoolClassDataTest::jvmArguments).get();
            assertThat(args).contains("-XX:SharedArchiveFile=" + archive);
        }
        assertThat(files(cds)).containsExactly(made.get(0));

        // The archive really maps: with -Xshare:on a JVM that cannot use it refuses to start.
        // Started by hand, the worker finds no handshake on stdin and exits with code 87.
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin").resolve("java").toString(),
                "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-Xmx64m",
                "-XX:TieredStopAtLevel=1", "-cp", jarClassPath, "io.jpool.internal.process.worker.WorkerMain"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit code; output: %s", output).isEqualTo(87);
    }

    @Test
    void noArchiveForADirectoryClassPathOrTheUsersOwnCdsOptions(@TempDir Path cds) throws Exception {
        try (ProcessPool pool = pool().classpath(System.getProperty("java.class.path")).classDataSharing(cds)
                .build()) { // target/classes: directories
            assertThat(pool.submit(ProcessPoolClassDataTest::jvmArguments).get())
                    .noneMatch(a -> a.contains("SharedArchiveFile") || a.contains("ArchiveClassesAtExit"));
        }
        try (ProcessPool pool = pool().classDataSharing(cds).jvmOptions("-Xshare:auto").build()) {
            assertThat(pool.submit(ProcessPoolClassDataTest::jvmArguments).get())
                    .noneMatch(a -> a.contains("SharedArchiveFile") || a.contains("ArchiveClassesAtExit"));
        }
        try (ProcessPool pool = pool().classDataSharing(false).build()) {
            assertThat(pool.submit(ProcessPoolClassDataTest::jvmArguments).get())
                    .noneMatch(a -> a.contains("SharedArchiveFile") || a.contains("ArchiveClassesAtExit"));
        }
        assertThat(files(cds)).isEmpty();
    }
}
