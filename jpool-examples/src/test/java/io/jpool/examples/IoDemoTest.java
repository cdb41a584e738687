package io.jpool.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's adaptive I/O part: a pool given no size fetches every page and, finding its tasks
 * mostly waiting, grows well past the CPU count, so the batch takes a fraction of its serial time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoDemoTest {

    @Test
    void anAdaptivePoolSizesItselfPastTheCpusForSlowPages() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int pages = 400;
        try (SlowHttpServer server = new SlowHttpServer(100)) {
            IoDemo.AdaptiveOutcome o = IoDemo.adaptive(server, pages, out);

            assertThat(o.fetched()).isEqualTo(pages);
            int cpus = Runtime.getRuntime().availableProcessors();
            // the largest target while pages waited: by the batch's end the load has fallen and
            // the pool may already have shrunk back to the few workers still busy
            assertThat(o.peak().target()).as("largest target during an I/O-bound batch; %s", bytes)
                    .isGreaterThan(4 * cpus);
            // one at a time would take 40 s; generous for a loaded machine
            assertThat(o.millis()).as("batch time; %s", bytes).isLessThan(pages * 100L / 4);
            assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("adaptive ThreadPool:", "it sized itself to");
        }
    }
}
