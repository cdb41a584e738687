package io.jpool.process;

import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** WorkerOutput.LOGGER: a worker's lines reach System.Logger (here its java.util.logging backend). */
class WorkerOutputLoggerTest {

    @Test
    void workerLinesAreLoggedWithThePidStdoutAsInfoAndStderrAsWarning() throws Exception {
        Logger jul = Logger.getLogger("io.jpool.worker");
        List<LogRecord> records = new ArrayList<>();
        CountDownLatch both = new CountDownLatch(2);
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (records) {
                    records.add(r);
                }
                if (r.getMessage().endsWith("hello out") || r.getMessage().endsWith("hello err")) {
                    both.countDown();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        boolean parentHandlers = jul.getUseParentHandlers();
        jul.setUseParentHandlers(false); // keep the lines out of the build log
        List<Long> pids = new ArrayList<>();
        try (ProcessPool pool = ProcessPool.builder().maxWorkers(1).jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1")
                .workerOutput(WorkerOutput.LOGGER).build()) {
            pool.submit(() -> {
                System.out.println("hello out");
                System.err.println("hello err");
                return null;
            }).get(60, TimeUnit.SECONDS);
            pids.addAll(pool.workerPids());
            assertThat(both.await(30, TimeUnit.SECONDS)).as("both lines logged").isTrue();
        } finally {
            jul.removeHandler(h);
            jul.setUseParentHandlers(parentHandlers);
        }
        ProcessSupport.assertAllDead(pids);
        long pid = pids.get(0);
        synchronized (records) {
            assertThat(records).anySatisfy(r -> {
                assertThat(r.getMessage()).isEqualTo("[worker " + pid + "] hello out");
                assertThat(r.getLevel()).isEqualTo(Level.INFO);
            });
            assertThat(records).anySatisfy(r -> {
                assertThat(r.getMessage()).isEqualTo("[worker " + pid + "] hello err");
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            });
        }
    }
}
