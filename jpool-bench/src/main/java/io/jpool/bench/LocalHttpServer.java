package io.jpool.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server for the adaptive workloads (issue 18): every request waits {@link #WAIT_MS}
 * ms, as a call to a remote service would, then answers "ok". Its handlers run on a cached pool
 * (ample capacity) or on a fixed number of threads (a downstream with its own limit: requests
 * beyond it queue inside the server). {@link #call()} is the client side: one keep-alive GET.
 *
 * <p>How it works: the JDK's built-in {@code com.sun.net.httpserver} on the loopback interface.
 * Keep-alive matters: without it every call opens a socket and a run of thousands of calls a
 * second exhausts the ephemeral ports, so {@link #configureSockets()} raises the JDK's idle
 * connection caps on both sides; it must run before the first server or connection exists.
 */
public final class LocalHttpServer implements AutoCloseable {
    /** How long the server holds each request. */
    public static final long WAIT_MS = 20;

    private final HttpServer server;
    private final ExecutorService handlers;
    private final URL url;
    private final AtomicInteger inHandler = new AtomicInteger();
    private final AtomicInteger peakInHandler = new AtomicInteger();

    /**
     * Raises the JDK's caps on idle keep-alive connections (client: 5 per destination, server:
     * 200), which the default would make every pool above them reconnect for each call, and turns
     * off Nagle's algorithm on the server's sockets.
     */
    public static void configureSockets() {
        System.setProperty("http.maxConnections", "4096");
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        // the server writes headers and body apart: with Nagle's algorithm the body waits for the
        // client's delayed ACK, 40 ms on Linux, which would double a 20 ms request
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /**
     * Starts a server on an ephemeral loopback port.
     *
     * @param handlerThreads 0 for ample capacity (a handler thread per request in flight), else the
     *                       server's own limit
     */
    public LocalHttpServer(int handlerThreads) throws IOException {
        if (handlerThreads < 0) {
            throw new IllegalArgumentException("handlerThreads must be 0 (ample) or positive, got " + handlerThreads);
        }
        handlers = handlerThreads == 0 ? Executors.newCachedThreadPool() : Executors.newFixedThreadPool(handlerThreads);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.createContext("/", exchange -> {
            peakInHandler.accumulateAndGet(inHandler.incrementAndGet(), Math::max);
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                Thread.sleep(WAIT_MS);
                byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inHandler.decrementAndGet();
            }
        });
        server.setExecutor(handlers);
        server.start();
        url = new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** One GET, body read to the end so the connection goes back to the keep-alive cache. */
    public void call() throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setConnectTimeout(30_000);
        c.setReadTimeout(60_000);
        int code = c.getResponseCode();
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
        }
        if (code != 200) {
            throw new IOException("local server answered " + code);
        }
    }

    /** The most requests its handlers held at once so far. */
    public int peakInHandler() {
        return peakInHandler.get();
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        handlers.shutdownNow();
        handlers.awaitTermination(10, TimeUnit.SECONDS);
    }
}
