package io.jpool.examples;

import io.jpool.AdaptiveStats;
import io.jpool.Futures;
import io.jpool.PoolFuture;
import io.jpool.ProgressBar;
import io.jpool.ThreadPool;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The classic I/O case: fetch 50 slow pages one after another, then through a ThreadPool of 10,
 * and show the results in input order and the completion order from {@code asCompleted}; then
 * eight times as many through an adaptive pool, which finds its own size.
 */
final class IoDemo {
    private static final int PAGES = 50;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static String fetch(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    static void run() throws Exception {
        System.out.println("== I/O: fetch " + PAGES + " pages, each answered after ~100 ms ==");
        try (SlowHttpServer server = new SlowHttpServer(100)) {
            long t0 = System.nanoTime();
            List<String> sequential = new ArrayList<>();
            for (int i = 0; i < PAGES; i++) {
                sequential.add(fetch(server.url(i)));
            }
            long sequentialMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("sequential:           %5d ms%n", sequentialMs);

            long t1 = System.nanoTime();
            List<PoolFuture<String>> futures = new ArrayList<>();
            try (ThreadPool pool = ThreadPool.builder().maxWorkers(10).threadNamePrefix("fetcher").build()) {
                for (int i = 0; i < PAGES; i++) {
                    String url = server.url(i);
                    futures.add(pool.submit(() -> fetch(url)));
                }
                List<String> completionOrder = new ArrayList<>();
                ProgressBar bar = ProgressBar.to(System.out, "pages", System.console() != null);
                for (PoolFuture<String> f : bar.track(Futures.asCompleted(futures, Duration.ofSeconds(60)), PAGES)) {
                    completionOrder.add(f.resultNow().substring("page ".length()));
                }
                long pooledMs = (System.nanoTime() - t1) / 1_000_000;
                System.out.printf("ThreadPool(10):       %5d ms  (%.1fx faster)%n", pooledMs,
                        (double) sequentialMs / Math.max(1, pooledMs));
                List<String> inOrder = new ArrayList<>();
                for (PoolFuture<String> f : futures) {
                    inOrder.add(f.get());
                }
                System.out.println("same results as sequential: " + inOrder.equals(sequential));
                System.out.println("input order:      " + abbreviate(inOrder));
                System.out.println("completion order: " + String.join(" ", completionOrder));
            }
            adaptive(server, PAGES * 8, System.out);
        }
        System.out.println();
    }

    /**
     * What the adaptive part saw: {@code peak} is the pool's largest target while pages were
     * waiting, {@code after} its state once the batch was done (by then the load has fallen, and
     * the pool has begun to shrink back).
     */
    record AdaptiveOutcome(int fetched, long millis, AdaptiveStats peak, AdaptiveStats after) {
    }

    /**
     * {@code pages} slow pages on a pool given no size: it measures that its tasks wait far more
     * than they compute and grows until more workers stop raising throughput.
     */
    static AdaptiveOutcome adaptive(SlowHttpServer server, int pages, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        try (ThreadPool pool = ThreadPool.builder().adaptive().threadNamePrefix("adaptive").build()) {
            int fetched = 0;
            AdaptiveStats peak = pool.adaptiveStats().orElseThrow();
            for (String page : pool.map(i -> fetch(server.url(i)), range(pages))) {
                fetched += page.startsWith("page ") ? 1 : 0;
                AdaptiveStats now = pool.adaptiveStats().orElseThrow();
                if (now.target() > peak.target()) {
                    peak = now;
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            AdaptiveStats after = pool.adaptiveStats().orElseThrow();
            out.printf("adaptive ThreadPool:  %5d ms for %d pages (one at a time: ~%d ms)%n", ms, fetched,
                    (long) pages * server.delayMillis());
            out.printf("  it sized itself to %d workers (measured wait/compute %.0f): %s%n",
                    peak.target(), peak.waitComputeRatio(), peak.reason());
            if (after.target() != peak.target()) {
                out.printf("  and as the last pages came in: %d workers (%s)%n", after.target(), after.reason());
            }
            return new AdaptiveOutcome(fetched, ms, peak, after);
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        return list;
    }

    private static String abbreviate(List<String> pages) {
        return pages.get(0) + ", " + pages.get(1) + ", ... , " + pages.get(pages.size() - 1);
    }

    private IoDemo() {
    }
}
