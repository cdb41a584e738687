package io.jpool.hazelcast;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@link ClusterMember} in its own JVM, started with {@link ClusterMember#command}; killed on close. */
final class ChildMember implements AutoCloseable {
    final Process process;
    final String address;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final Deque<String> lastLines = new ArrayDeque<>();

    ChildMember(String cluster, String address, List<String> join, List<String> jvmOptions) throws IOException {
        this.address = address;
        String port = address.substring(address.indexOf(':') + 1);
        ProcessBuilder pb = new ProcessBuilder(ClusterMember.command(jvmOptions, "--cluster", cluster,
                "--port", port, "--join", String.join(",", join), "--threads", "4"));
        pb.redirectErrorStream(true);
        process = pb.start();
        Thread reader = new Thread(this::readOutput, "child-member-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > 30) {
                        lastLines.removeFirst();
                    }
                }
                if (line.startsWith("jpool member ")) {
                    ready.complete(line);
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        ready.completeExceptionally(new IllegalStateException("member exited before it was ready: " + lastLines()));
    }

    String lastLines() {
        synchronized (lastLines) {
            return String.join("\n", lastLines);
        }
    }

    /** Waits for the member's "ready" line. */
    String awaitReady() throws Exception {
        return ready.get(60, TimeUnit.SECONDS);
    }

    /** SIGKILL, as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
