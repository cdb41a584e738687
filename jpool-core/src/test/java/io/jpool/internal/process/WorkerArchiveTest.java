package io.jpool.internal.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Which JDK a worker runs decides the archive's kind: its release file's feature number. */
class WorkerArchiveTest {

    private static int featureOf(Path home, String release) throws Exception {
        Files.writeString(home.resolve("release"), release);
        return WorkerArchive.jdkFeature(home);
    }

    @Test
    void theFeatureReleaseComesFromTheReleaseFile(@TempDir Path home) throws Exception {
        assertThat(featureOf(home, "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\n")).isEqualTo(25);
        assertThat(featureOf(home, "JAVA_VERSION=\"17.0.15\"\n")).isEqualTo(17);
        assertThat(featureOf(home, "JAVA_VERSION=\"26-ea\"\n")).isEqualTo(26);
        assertThat(featureOf(home, "JAVA_VERSION=\"1.8.0_392\"\n")).isEqualTo(1);
        assertThat(featureOf(home, "JAVA_VERSION=\"\"\n")).as("unknown: no AOT option").isZero();
        Files.delete(home.resolve("release"));
        assertThat(WorkerArchive.jdkFeature(home)).as("no release file").isZero();
        assertThat(WorkerArchive.jdkFeature(Path.of(System.getProperty("java.home"))))
                .isEqualTo(Runtime.version().feature());
    }
}
