package io.jpool.examples.cookbook;

import com.sun.net.httpserver.HttpServer;
import io.jpool.PoolFuture;
import io.jpool.ThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A crawler with a pool of 10 threads: fetch a page, find its links, fetch those not seen yet,
 * until none are left. It crawls a small site that it serves itself on the loopback interface
 * (no network needed), whose pages answer after a delay as real ones do. Mirrors:
 *
 * <pre>{@code
 * def fetch(url):
 *     with urllib.request.urlopen(url) as r:
 *         return url, r.status, r.read().decode()
 *
 * with ThreadPoolExecutor(max_workers=10) as executor:
 *     seen = {start}
 *     pending = {executor.submit(fetch, start)}
 *     while pending:
 *         done, pending = wait(pending, return_when=FIRST_COMPLETED)
 *         for f in done:
 *             url, status, body = f.result()
 *             print(f"{url}: {status}, {len(body)} bytes")
 *             for link in re.findall(r'href="([^"]+)"', body):
 *                 if link not in seen:
 *                     seen.add(link)
 *                     pending.add(executor.submit(fetch, base + link))
 * }</pre>
 */
public final class CrawlerWithTenThreads {
    private static final Pattern LINK = Pattern.compile("href=\"([^\"]+)\"");

    /** A fetched page. */
    record Page(String path, int status, String body) {
    }

    public static void main(String[] args) throws Exception {
        run(System.out, 100, Duration.ofMillis(100));
    }

    /** Crawls a local site of {@code pages} pages, each answered after {@code delay}; returns the pages fetched. */
    public static int run(PrintStream out, int pages, Duration delay) throws Exception {
        try (LocalSite site = new LocalSite(pages, delay);
             ThreadPool executor = ThreadPool.builder().maxWorkers(10).threadNamePrefix("crawler").build()) {
            long t0 = System.nanoTime();
            String base = site.base();
            Set<String> seen = new HashSet<>();
            // done callbacks hand finished fetches back to this thread, as wait(FIRST_COMPLETED) does
            BlockingQueue<PoolFuture<Page>> finished = new LinkedBlockingQueue<>();
            List<String> queue = new ArrayList<>(List.of("/"));
            seen.add("/");
            int inFlight = 0;
            int fetched = 0;
            long bytes = 0;
            while (!queue.isEmpty() || inFlight > 0) {
                for (String path : queue) {
                    executor.submit(() -> fetch(base, path)).addDoneCallback(finished::add);
                    inFlight++;
                }
                queue.clear();
                Page page = finished.take().get();
                inFlight--;
                fetched++;
                bytes += page.body().length();
                out.println(page.path() + ": " + page.status() + ", " + page.body().length() + " bytes");
                Matcher m = LINK.matcher(page.body());
                while (m.find()) {
                    if (seen.add(m.group(1))) {
                        queue.add(m.group(1));
                    }
                }
            }
            out.printf("crawled %d pages (%d bytes) with 10 threads in %d ms%n", fetched, bytes,
                    (System.nanoTime() - t0) / 1_000_000);
            return fetched;
        }
    }

    static Page fetch(String base, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        try (InputStream in = c.getInputStream()) {
            return new Page(path, c.getResponseCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            c.disconnect();
        }
    }

    /**
     * The site: {@code /} links to page 0, and page i links to pages 2i+1 and 2i+2 (a tree) and
     * back to {@code /}, so the crawler must skip what it has seen.
     */
    static final class LocalSite implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService handlers = Executors.newFixedThreadPool(10, r -> {
            Thread t = new Thread(r, "cookbook-site");
            t.setDaemon(true);
            return t;
        });

        LocalSite(int pages, Duration delay) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
            server.createContext("/", exchange -> {
                try {
                    Thread.sleep(delay.toMillis()); // a real page takes a while: what makes threads pay
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                String path = exchange.getRequestURI().getPath();
                StringBuilder html = new StringBuilder("<html><body>");
                int status = 200;
                if (path.equals("/")) {
                    html.append("<a href=\"/page/0\">start</a>");
                } else if (path.startsWith("/page/")) {
                    int i = Integer.parseInt(path.substring("/page/".length()));
                    html.append("<h1>page ").append(i).append("</h1><a href=\"/\">home</a>");
                    for (int child = 2 * i + 1; child <= 2 * i + 2 && child < pages; child++) {
                        html.append(" <a href=\"/page/").append(child).append("\">").append(child).append("</a>");
                    }
                } else {
                    status = 404;
                }
                byte[] body = html.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(body);
                }
            });
            server.setExecutor(handlers);
            server.start();
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            handlers.shutdownNow();
        }
    }

    private CrawlerWithTenThreads() {
    }
}
