package io.jpool;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The console bar: its line, in place on a terminal, plain lines elsewhere, for map and asCompleted. */
class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong();

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theLineShowsCountPercentRateAndTimeLeft() {
        ProgressBar bar = new ProgressBar("pages", out, false, now::get);
        assertThat(bar.line(250, 1000, Duration.ofSeconds(5).toNanos()))
                .isEqualTo("pages [######..................] 250/1000  25%  50.0/s  ETA 0:15");
        assertThat(bar.line(1000, 1000, Duration.ofSeconds(125).toNanos()))
                .isEqualTo("pages [########################] 1000/1000 100%  8.0/s  in 2:05");
        assertThat(bar.line(7, -1, Duration.ofSeconds(2).toNanos())).isEqualTo("pages 7  3.5/s");
    }

    @Test
    void onATerminalItRedrawsOneLineAndEndsItOnce() {
        ProgressBar bar = new ProgressBar("", out, true, now::get);
        bar.onProgress(1, 4);
        now.addAndGet(Duration.ofMillis(10).toNanos());
        bar.onProgress(2, 4);                        // too soon after the last redraw: skipped
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        bar.onProgress(3, 4);
        bar.onProgress(4, 4);                        // the end is always drawn
        bar.onProgress(4, 4);                        // and only once
        String s = printed();
        assertThat(s.split("\r", -1)).hasSize(4);    // "" then three redraws
        assertThat(s).doesNotContain(" 2/4").contains(" 1/4").contains(" 3/4").contains(" 4/4");
        assertThat(s).endsWith(System.lineSeparator());
        assertThat(s.chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @Test
    void elsewhereItPrintsPlainLinesNowAndThenAndTheLast() {
        ProgressBar bar = new ProgressBar("items", out, false, now::get);
        for (int i = 1; i <= 100; i++) {
            now.addAndGet(Duration.ofMillis(100).toNanos());
            bar.onProgress(i, 100);
        }
        List<String> lines = printed().lines().collect(java.util.stream.Collectors.toList());
        assertThat(printed()).doesNotContain("\r");
        assertThat(lines).hasSize(3);                // at 1, at 51 (5 s later), and the end
        assertThat(lines.get(0)).contains(" 1/100");
        assertThat(lines.get(2)).contains(" 100/100 100%");
    }

    @Test
    void itFollowsARealMapAndAsCompleted() throws Exception {
        try (ThreadPool pool = ThreadPool.create(2)) {
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                items.add(i);
            }
            ProgressBar mapBar = ProgressBar.to(out, "map", false);
            try (MapResult<Integer> r = pool.map((Integer x) -> x, items, MapOptions.defaults().chunksize(7)
                    .onProgress(mapBar))) {
                r.forEach(x -> { });
            }
            List<PoolFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                fs.add(pool.submit(() -> n));
            }
            ProgressBar bar = ProgressBar.to(out, "futures", false);
            int seen = 0;
            for (PoolFuture<Integer> f : bar.track(Futures.asCompleted(fs), fs.size())) {
                seen++;
            }
            assertThat(seen).isEqualTo(20);
        }
        // the map's last report may come from a worker just after the caller took the last result
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!printed().contains("map [########################] 200/200 100%") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(printed()).contains("map [########################] 200/200 100%")
                .contains("futures [########################] 20/20 100%");
    }
}
