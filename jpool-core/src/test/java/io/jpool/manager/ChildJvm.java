package io.jpool.manager;

import io.jpool.Task;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A bare child JVM for Manager tests, independent of ProcessPool: it reads one serialized task
 * (Base64) from stdin, prints "started", runs it, prints "result:" plus the Base64 result.
 */
public final class ChildJvm {

    public static void main(String[] args) throws Exception {
        byte[] taskBytes = Base64.getDecoder().decode(new String(System.in.readAllBytes()).trim());
        Task<?> task = (Task<?>) new ObjectInputStream(new ByteArrayInputStream(taskBytes)).readObject();
        System.out.println("started");
        System.out.flush();
        Object result = task.call();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(result);
        }
        System.out.println("result:" + Base64.getEncoder().encodeToString(bytes.toByteArray()));
        System.out.flush();
    }

    /** Starts a child JVM running {@code task}. */
    public static Process start(Task<?> task) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(task);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), ChildJvm.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(Base64.getEncoder().encode(bytes.toByteArray()));
        }
        return p;
    }

    /** Reads the child's stdout up to the line "started". */
    public static void awaitStarted(Process p) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = p.getInputStream().read()) >= 0) {
            if (c == '\n') {
                if (line.toString().equals("started")) {
                    return;
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        throw new IOException("child exited before it started its task");
    }

    /** Runs {@code task} in a fresh JVM and returns its result. */
    @SuppressWarnings("unchecked")
    public static <T> T run(Task<T> task) throws Exception {
        Process p = start(task);
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("child JVM did not finish");
            }
            int i = out.indexOf("result:");
            if (i < 0) {
                throw new IllegalStateException("child JVM failed (exit " + p.exitValue() + "): " + out);
            }
            String b64 = out.substring(i + "result:".length()).trim();
            return (T) new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(b64))).readObject();
        } finally {
            p.destroyForcibly();
        }
    }

    private ChildJvm() {
    }
}
