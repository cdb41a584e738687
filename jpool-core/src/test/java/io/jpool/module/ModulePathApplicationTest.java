package io.jpool.module;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application on the module path that {@code requires io.jpool}: it compiles against the API
 * only, and a ProcessPool map (its task a lambda of a package not opened to jpool), a result
 * of the application's own class, a Manager
 * and jpool's Flight Recorder events (in a package not exported) work from it, in a JVM started
 * with {@code --module-path}.
 */
class ModulePathApplicationTest {

    private static final String APP = String.join("\n",
            "package demo;",
            "",
            "import io.jpool.Manager;",
            "import io.jpool.ProcessPool;",
            "import io.jpool.SharedCounter;",
            "import java.nio.file.Path;",
            "import java.util.List;",
            "import java.util.stream.Collectors;",
            "",
            "public final class Main {",
            "    record Point(int x, int y) implements java.io.Serializable {",
            "    }",
            "",
            "    public static void main(String[] args) throws Exception {",
            "        System.out.println(\"named: \" + ProcessPool.class.getModule().getName()",
            "                + \" -> \" + Main.class.getModule().getName());",
            "        Path jfr = Path.of(args[0]);",
            "        try (jdk.jfr.Recording recording = new jdk.jfr.Recording()) {",
            "            recording.start();",
            "            work();",
            "            recording.stop();",
            "            recording.dump(jfr);",
            "        }",
            "        System.out.println(\"jfr: \" + jdk.jfr.consumer.RecordingFile.readAllEvents(jfr).stream()",
            "                .map(e -> e.getEventType().getName()).filter(n -> n.startsWith(\"io.jpool.\"))",
            "                .collect(Collectors.toCollection(java.util.TreeSet::new)));",
            "        try {",
            "            Class.forName(\"io.jpool.internal.util.Durations\")",
            "                    .getMethod(\"toNanos\", java.time.Duration.class).invoke(null, java.time.Duration.ZERO);",
            "            System.out.println(\"internal: reachable\");",
            "        } catch (IllegalAccessException e) {",
            "            System.out.println(\"internal: closed\");",
            "        }",
            "    }",
            "",
            "    private static void work() throws Exception {",
            "        try (Manager manager = Manager.start();",
            "             ProcessPool pool = ProcessPool.builder().maxWorkers(1)",
            "                     .jvmOptions(\"-Xmx64m\", \"-XX:TieredStopAtLevel=1\").build()) {",
            "            SharedCounter calls = manager.counter(\"calls\");",
            "            List<Integer> squares = pool.map((Integer x) -> {",
            "                calls.incrementAndGet();",
            "                return x * x;",
            "            }, List.of(1, 2, 3)).stream().collect(Collectors.toList());",
            "            System.out.println(\"squares: \" + squares + \" calls: \" + calls.get());",
            "            System.out.println(\"result: \" + pool.submit(() -> new Point(2, 3)).get());",
            "        }",
            "    }",
            "}",
            "");

    @Test
    void aModularApplicationRunsAProcessPoolAndAManager(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        List<String> errors = compile(dir, "demo.app", "demo/Main.java", APP, out, "jdk.jfr");
        assertThat(errors).as("javac").isEmpty();

        Path core = ModuleDescriptorTest.coreLocation();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("app.log"); // a file, not a pipe: a hung worker cannot block the read
        Process p = new ProcessBuilder(java, "-Xmx128m", "--module-path", core + File.pathSeparator + out,
                "-m", "demo.app/demo.Main", dir.resolve("app.jfr").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the application exited").isTrue();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("named: io.jpool -> demo.app")
                .contains("squares: [1, 4, 9] calls: 3")
                .contains("result: Point[x=2, y=3]")
                .containsPattern("jfr: \\[.*io\\.jpool\\.TaskEnded.*io\\.jpool\\.WorkerStarted.*]")
                .contains("internal: closed");
    }

    @Test
    void aModularApplicationCannotCompileAgainstInternals(@TempDir Path dir) throws Exception {
        String peek = String.join("\n",
                "package peek;",
                "",
                "public final class Peek {",
                "    static Class<?> pool = io.jpool.internal.pool.AbstractPool.class;",
                "}",
                "");
        List<String> errors = compile(dir, "demo.peek", "peek/Peek.java", peek, dir.resolve("out"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("io.jpool.internal.pool")
                .contains("does not export"));
    }

    /** Compiles module {@code module} (requires io.jpool and {@code more}) of one class; returns javac's errors. */
    private static List<String> compile(Path dir, String module, String file, String source, Path out,
                                        String... more) throws IOException {
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve(file).getParent());
        StringBuilder info = new StringBuilder("module " + module + " {\n    requires io.jpool;\n");
        for (String m : more) {
            info.append("    requires ").append(m).append(";\n");
        }
        Files.writeString(src.resolve("module-info.java"), info.append("}\n").toString());
        Files.writeString(src.resolve(file), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            // an empty class path, not this JVM's (which holds jpool's classes as the unnamed module)
            Path noClassPath = Files.createDirectories(dir.resolve("no-class-path"));
            List<String> options = List.of("--module-path", ModuleDescriptorTest.coreLocation().toString(),
                    "--class-path", noClassPath.toString(), "-d", out.toString());
            javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjects(src.resolve("module-info.java"), src.resolve(file))).call();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(null)).collect(Collectors.toList());
    }
}
