package io.jpool.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.RemoteTaskException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** An exception whose class exists only on the workers' class path reaches the caller as text. */
class RemoteExceptionClassTest {

    @Test
    void anExceptionClassTheCallerCannotLoadArrivesAsRemoteTaskException(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("src/onlyinworker/WorkerOnlyException.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package onlyinworker;\n"
                + "public class WorkerOnlyException extends RuntimeException {\n"
                + "    public WorkerOnlyException(String m) { super(m); }\n"
                + "}\n");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", classes.toString(), source.toString())).isZero();

        String classpath = System.getProperty("java.class.path") + File.pathSeparator + classes;
        try (ProcessPool pool = ProcessSupport.pool(1).classpath(classpath).build()) {
            PoolFuture<Object> f = pool.submit(() -> {
                throw (RuntimeException) Class.forName("onlyinworker.WorkerOnlyException")
                        .getConstructor(String.class).newInstance("thrown where only the worker knows the class");
            });
            Throwable e = f.exception(null);
            assertThat(e).isInstanceOf(RemoteTaskException.class)
                    .hasMessageContaining("onlyinworker.WorkerOnlyException")
                    .hasMessageContaining("thrown where only the worker knows the class");
            assertThat(((RemoteTaskException) e).remoteClassName()).isEqualTo("onlyinworker.WorkerOnlyException");
            assertThat(pool.submit(() -> "still fine").get()).isEqualTo("still fine");
        }
    }
}
