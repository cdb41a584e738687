package io.jpool.internal.process;

import io.jpool.WorkerOutput;
import io.jpool.internal.util.ThreadFactories;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Forwards one stream of a worker (its stdout or stderr) to the caller as {@link WorkerOutput}
 * says, on its own daemon thread, and keeps the last lines for error messages. Bytes are passed
 * through as they are (INHERIT) or cut into lines with the worker's pid in front (PREFIXED, and
 * LOGGER, which logs each line to {@code System.Logger} "io.jpool.worker").
 */
final class OutputPump implements Runnable {
    private static final int TAIL_LINES = 20;
    private static final int MAX_LINE = 400;

    private final InputStream in;
    private final Supplier<PrintStream> target;
    private final WorkerOutput mode;
    private final String prefix;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final Thread thread;
    /** The level of a line under {@link WorkerOutput#LOGGER}. */
    private final System.Logger.Level level;
    private static final System.Logger WORKER_LOG = System.getLogger("io.jpool.worker");

    OutputPump(InputStream in, Supplier<PrintStream> target, WorkerOutput mode, long pid, String threadName) {
        this.in = in;
        this.target = target;
        this.mode = mode;
        this.prefix = "[worker " + pid + "] ";
        // the pool hands the stderr pump System.err: its lines are warnings
        this.level = target.get() == System.err ? System.Logger.Level.WARNING : System.Logger.Level.INFO;
        this.thread = ThreadFactories.daemon(threadName, this);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (mode == WorkerOutput.INHERIT) {
                    PrintStream out = target.get();
                    out.write(buf, 0, n);
                    out.flush();
                }
                collectLines(buf, n);
            }
        } catch (IOException ignored) {
            // the worker is gone
        } finally {
            endLine();
        }
    }

    private void collectLines(byte[] buf, int n) {
        for (int i = 0; i < n; i++) {
            byte b = buf[i];
            if (b == '\n') {
                endLine();
            } else if (line.size() < (mode == WorkerOutput.PREFIXED || mode == WorkerOutput.LOGGER ? 1 << 16 : MAX_LINE)) {
                line.write(b);
            }
        }
    }

    private void endLine() {
        if (line.size() == 0) {
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (mode == WorkerOutput.PREFIXED) {
            target.get().println(prefix + text);
        } else if (mode == WorkerOutput.LOGGER) {
            WORKER_LOG.log(level, prefix + text);
        }
        synchronized (tail) {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(text.length() > MAX_LINE ? text.substring(0, MAX_LINE) + "..." : text);
        }
    }

    /** Waits up to {@code millis} for the stream to end (the worker exited and all is forwarded). */
    void awaitEnd(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code millis} for the stream to end, then returns the last lines. */
    List<String> lastLines(long millis) {
        awaitEnd(millis);
        synchronized (tail) {
            return new ArrayList<>(tail);
        }
    }
}
