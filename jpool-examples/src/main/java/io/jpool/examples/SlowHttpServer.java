package io.jpool.examples;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local HTTP server on a free loopback port whose every response takes about 100 ms: the
 * stand-in for slow web pages in the I/O demo. {@code GET /page/N} answers "page N".
 */
final class SlowHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "demo-http");
        t.setDaemon(true);
        return t;
    });

    private final long delayMillis;

    SlowHttpServer(long delayMillis) throws IOException {
        this.delayMillis = delayMillis;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.createContext("/page/", exchange -> {
            try {
                Thread.sleep(delayMillis); // the slow page: what makes the demo I/O-bound
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String path = exchange.getRequestURI().getPath();
            byte[] body = ("page " + path.substring("/page/".length())).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(handlers);
        server.start();
    }

    /** How long the server holds each page. */
    long delayMillis() {
        return delayMillis;
    }

    String url(int page) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/page/" + page;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
