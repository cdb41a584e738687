package io.jpool.internal.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.Task;
import io.jpool.WorkerOutput;
import io.jpool.internal.process.worker.WorkerMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The workers' default class path when the application's classes are not on
 * {@code java.class.path}, as under {@code mvn exec:java}: they come from a URLClassLoader.
 */
class WorkerClassPathTest {

    /** A jar holding {@code demo.JarTask}, a {@link Task} that is on no class path of this JVM. */
    private static Path taskJar(Path dir) throws IOException {
        Path src = dir.resolve("src/demo/JarTask.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package demo;\n"
                + "public class JarTask implements io.jpool.Task<String> {\n"
                + "  public String call() { return \"from the jar in \" + ProcessHandle.current().pid(); }\n"
                + "}\n");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString());
        assertThat(rc).as("javac exit code").isZero();
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("demo/JarTask.class"));
            Files.copy(classes.resolve("demo/JarTask.class"), out);
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void theContextLoadersJarIsAddedToTheSystemClassPath(@TempDir Path dir) throws Exception {
        Path jar = taskJar(dir);
        String system = System.getProperty("java.class.path");
        try (URLClassLoader app = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            String cp = WorkerClassPath.resolve(system, WorkerMain.class, app);
            List<String> entries = Arrays.asList(cp.split(File.pathSeparator));
            assertThat(entries).contains(jar.toAbsolutePath().normalize().toString());
            assertThat(cp).startsWith(Path.of(system.split(File.pathSeparator)[0]).toAbsolutePath().normalize().toString());
        }
    }

    @Test
    void aPlainClassPathIsKeptAsItIs() {
        String system = System.getProperty("java.class.path");
        assertThat(WorkerClassPath.resolve(system, WorkerMain.class, ClassLoader.getSystemClassLoader()))
                .isSameAs(system);
        assertThat(WorkerClassPath.resolve("/chosen/by/the/user.jar")).isEqualTo("/chosen/by/the/user.jar");
    }

    @Test
    void jpoolLoadedFromAJarOffTheClassPathBringsThatJar(@TempDir Path dir) throws Exception {
        Path jar = taskJar(dir);
        try (URLClassLoader app = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> fromJar = app.loadClass("demo.JarTask");
            String cp = WorkerClassPath.resolve("/nowhere/else.jar", fromJar, null);
            assertThat(cp.split(File.pathSeparator))
                    .containsExactly("/nowhere/else.jar", jar.toAbsolutePath().normalize().toString());
        }
    }

    @Test
    void jpoolInsideAFatJarFailsSayingWhatToSet() {
        assertThatThrownBy(() -> WorkerClassPath.entryOf(
                "jar:nested:/srv/app.jar/!BOOT-INF/lib/jpool-core.jar!/", WorkerMain.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("jar:nested:/srv/app.jar/!BOOT-INF/lib/jpool-core.jar!/")
                .hasMessageContaining("classpath(...)")
                .hasMessageContaining(WorkerMain.class.getName());
    }

    @Test
    void aTaskClassFromTheContextLoaderRunsInAWorker(@TempDir Path dir) throws Exception {
        Path jar = taskJar(dir);
        Thread self = Thread.currentThread();
        ClassLoader before = self.getContextClassLoader();
        List<Long> pids = new ArrayList<>();
        try (URLClassLoader app = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            self.setContextClassLoader(app);
            ProcessPool pool;
            try {
                pool = ProcessPool.builder().maxWorkers(1).jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1")
                        .workerOutput(WorkerOutput.DISCARD).build();
            } finally {
                self.setContextClassLoader(before);
            }
            try (pool) {
                @SuppressWarnings("unchecked")
                Task<String> task = (Task<String>) app.loadClass("demo.JarTask").getDeclaredConstructor().newInstance();
                PoolFuture<String> f = pool.submit(task);
                assertThat(f.get(60, TimeUnit.SECONDS)).startsWith("from the jar in ");
                pids.addAll(pool.workerPids());
            }
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        }
    }
}
