package io.jpool.manager;

import io.jpool.Manager;
import io.jpool.internal.manager.ManagerImpl;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Nothing of a manager stays in the temp directory, even when its JVM is SIGKILLed. */
class ManagerDirectoryTest {

    @Test
    void theSocketDirectoryOfAManagerWhoseJvmWasKilledIsSweptByTheNextManager() throws Exception {
        Process child = ChildJvm.start(() -> {
            ManagerImpl m = new ManagerImpl();
            System.out.println("dir:" + m.directory());
            System.out.flush();
            new CountDownLatch(1).await(); // until killed
            return null;
        });
        Path dir;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            String line;
            do {
                line = out.readLine();
                assertThat(line).as("the child's output ended before it said where its manager lives").isNotNull();
            } while (!line.startsWith("dir:"));
            dir = Path.of(line.substring("dir:".length()));
            assertThat(Files.isDirectory(dir)).isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.exists(dir)).as("a SIGKILLed JVM runs no hook: its directory is still there").isTrue();
        try (Manager next = Manager.start()) {
            assertThat(Files.exists(dir)).as("the next manager swept " + dir).isFalse();
        }
    }

    @Test
    void aLiveManagersDirectoryIsNeverSwept() throws Exception {
        try (ManagerImpl first = new ManagerImpl(); ManagerImpl second = new ManagerImpl()) {
            assertThat(Files.isDirectory(first.directory())).isTrue();
            assertThat(Files.isDirectory(second.directory())).isTrue();
            assertThat(first.counter("c").incrementAndGet()).isEqualTo(1);
        }
    }
}
