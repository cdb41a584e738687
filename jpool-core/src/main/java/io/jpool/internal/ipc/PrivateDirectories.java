package io.jpool.internal.ipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 *
 * <p>A JVM killed by a signal runs no hook. Each directory's name carries its JVM's pid
 * ({@code <prefix><pid>-<random>}), so that the next JVM to make one with the same prefix can
 * {@link #sweepStale sweep} those left behind: a directory whose pid is no live process here and
 * whose socket nobody listens on. A listening socket keeps a directory, so a live JVM whose pid
 * this one cannot see (another pid namespace sharing the temp directory) keeps its own.
 */
public final class PrivateDirectories {
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private PrivateDirectories() {
    }

    /**
     * A new directory named {@code prefix...} under java.io.tmpdir, removed at exit if not before.
     *
     * @throws IOException if it cannot be made, saying where and what to do: a read-only or missing
     *     java.io.tmpdir otherwise surfaces as a bare NoSuchFileException or AccessDeniedException
     */
    public static Path create(String prefix) throws IOException {
        return create(tempDirectory(), prefix);
    }

    /** java.io.tmpdir, read at each call: where the directories are made and swept. */
    private static Path tempDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** {@link #create(String)} under {@code parent} (tests give their own). */
    static Path create(Path parent, String prefix) throws IOException {
        Path dir;
        try {
            dir = Files.createTempDirectory(parent, prefix + ProcessHandle.current().pid() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException("cannot make a private directory for jpool's sockets in " + parent
                    + " (java.io.tmpdir): " + e + ". Process pools and managers need a writable local directory"
                    + " there: start the JVM with -Djava.io.tmpdir=<a writable directory>", e);
        }
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

    /**
     * Deletes the directories named {@code prefix<pid>-...} under java.io.tmpdir left by JVMs that
     * died without cleaning up: the pid is no live process and nothing listens on the socket
     * {@code socketName} in it (a directory without that socket is left alone: it may be one being
     * made). Never throws; returns how many it deleted.
     */
    public static int sweepStale(String prefix, String socketName) {
        int swept = 0;
        Path tmp = tempDirectory();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, prefix + "*")) {
            for (Path dir : dirs) {
                if (isStale(dir, prefix, socketName)) {
                    remove(dir);
                    swept += Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? 0 : 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            // a sweep is a courtesy: the new directory does not depend on it
        }
        return swept;
    }

    private static boolean isStale(Path dir, String prefix, String socketName) {
        String rest = dir.getFileName().toString().substring(prefix.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
            pid = Long.parseLong(rest.substring(0, Math.max(dash, 0)));
        } catch (NumberFormatException e) {
            return false; // not named by this scheme
        }
        if (pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || OPEN.contains(dir)) {
            return false;
        }
        Path socket = dir.resolve(socketName);
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return false; // someone listens: not ours to remove
        } catch (IOException refused) {
            return true;
        }
    }

    /** Deletes {@code dir} and the files in it (sockets, pipes); logs, never throws, if it cannot. */
    public static void delete(Path dir) {
        remove(dir);
        OPEN.remove(dir);
    }

    private static void remove(Path dir) {
        // a pool still winding down may make a file (a new worker's pipes) between the listing and
        // the directory's deletion: list again, a few times, rather than leave the directory
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> left = Files.list(dir)) {
                for (Path p : (Iterable<Path>) left::iterator) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
                return;
            } catch (NoSuchFileException gone) {
                return; // deleted already (by a worker whose parent died, say)
            } catch (DirectoryNotEmptyException refilled) {
                if (attempt == 5) {
                    System.getLogger("io.jpool").log(System.Logger.Level.WARNING, "could not delete " + dir, refilled);
                    return;
                }
            } catch (IOException | UncheckedIOException e) { // the listing's iterator throws the latter
                System.getLogger("io.jpool").log(System.Logger.Level.WARNING, "could not delete " + dir, e);
                return;
            }
        }
    }
}
