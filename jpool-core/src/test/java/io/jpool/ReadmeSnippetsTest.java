package io.jpool;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's snippets for the Python conveniences and progress, compiled and run, so they
 * cannot rot; each line quoted from the README is checked to be there still.
 */
class ReadmeSnippetsTest {

    private static String readme() throws Exception {
        Path p = Path.of("..", "README.md");
        return Files.readString(Files.exists(p) ? p : Path.of("README.md"));
    }

    @Test
    void theQuotedLinesAreStillInTheReadme() throws Exception {
        String readme = readme();
        assertThat(readme)
                .contains("pool.map(fn, items, MapOptions.defaults().onProgress(ProgressBar.create(\"pages\")));")
                .contains("for (PoolFuture<Path> f : ProgressBar.create(\"downloads\").track(Futures.asCompleted(fs),"
                        + " fs.size())) { ... }")
                .contains("`pool.submit(() -> fn(args)).whenDone((result, error) -> ...)`")
                .contains("`Futures.asCompleted(Futures.of(list))`")
                .contains("<artifactId>jpool-core</artifactId>")
                .contains("mvn -q -DskipTests install");
    }

    @Test
    void theSnippetsRun() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8)); // the bars' output
        try (ThreadPool pool = ThreadPool.create()) {
            TaskFunction<Integer, Integer> fn = x -> x * 2;
            List<Integer> items = List.of(1, 2, 3);
            // README: progress
            pool.map(fn, items, MapOptions.defaults().onProgress(ProgressBar.create("pages"))).stream().count();
            List<PoolFuture<Path>> fs = new ArrayList<>();
            fs.add(pool.submit(() -> Path.of("a")));
            int n = 0;
            for (PoolFuture<Path> f : ProgressBar.create("downloads").track(Futures.asCompleted(fs), fs.size())) {
                n++;
            }
            assertThat(n).isEqualTo(1);

            // README: Python to jpool
            CompletableFuture<String> seen = new CompletableFuture<>();
            pool.submit(() -> "page").whenDone((result, error) -> seen.complete(result));
            assertThat(seen.get(30, TimeUnit.SECONDS)).isEqualTo("page");
            assertThat(pool.starmap((Integer a, Integer b) -> a * b, List.of(Map.entry(2, 3))).stream().findFirst())
                    .contains(6);
            assertThat(pool.mapAsync(fn, items, MapOptions.defaults().chunksize(2)).get(30, TimeUnit.SECONDS))
                    .containsExactly(2, 4, 6);
            List<Callable<Integer>> tasks = List.of(() -> 1);
            for (PoolFuture<Integer> f : Futures.asCompleted(Futures.of(pool.invokeAll(tasks)))) {
                assertThat(f.isSuccessful()).isTrue();
            }
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("pages [").contains("3/3 100%").contains("downloads [").contains("1/1 100%");
    }
}
