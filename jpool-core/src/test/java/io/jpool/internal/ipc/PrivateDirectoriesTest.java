package io.jpool.internal.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateDirectoriesTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingTempDirectoryIsNamedWithWhatToDo() {
        Path missing = tmp.resolve("no-such-dir");
        assertThatThrownBy(() -> PrivateDirectories.create(missing, "jpool-test-"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("java.io.tmpdir")
                .hasMessageContaining("-Djava.io.tmpdir=");
    }

    @Test
    void aDirectoryIsPrivateAndDeleted() throws IOException {
        Path dir = PrivateDirectories.create(tmp, "jpool-test-");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(dir.getFileName().toString()).startsWith("jpool-test-" + ProcessHandle.current().pid() + "-");
        PrivateDirectories.delete(dir);
        assertThat(dir).doesNotExist();
    }
}
