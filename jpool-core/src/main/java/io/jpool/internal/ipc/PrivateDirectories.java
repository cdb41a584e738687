package io.jpool.internal.ipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The fresh 0700 temp directories that hold a pool's or a manager's socket and pipes, so only
 * this user can even reach them.
 *
 * <h2>How it works</h2>
 * {@link #create} makes one and lists it as open; {@link #delete} removes it and what is in it,
 * and takes it off the list. A JVM that ends while some are still open (a main that returns right
 * after {@code shutdownNow()}, before the pool has terminated, or that never closes its manager)
 * removes them in one shutdown hook, registered with the first directory.
 */
public final class PrivateDirectories {
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private PrivateDirectories() {
    }

    /** A new directory named {@code prefix...} under java.io.tmpdir, removed at exit if not before. */
    public static Path create(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        OPEN.add(dir);
        if (HOOKED.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(PrivateDirectories::remove),
                        "jpool-private-directories"));
            } catch (IllegalStateException exiting) {
                // the JVM is going down already: delete() is the only way left
            }
        }
        return dir;
    }

    /** Deletes {@code dir} and the files in it (sockets, pipes); logs, never throws, if it cannot. */
    public static void delete(Path dir) {
        remove(dir);
        OPEN.remove(dir);
    }

    private static void remove(Path dir) {
        try (Stream<Path> left = Files.list(dir)) {
            for (Path p : (Iterable<Path>) left::iterator) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException gone) {
            // deleted already (by a worker whose parent died, say)
        } catch (IOException | UncheckedIOException e) { // the listing's iterator throws the latter
            System.getLogger("io.jpool").log(System.Logger.Level.WARNING, "could not delete " + dir, e);
        }
    }
}
