package io.jpool.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/** The JDKs on this machine, for tests of what a worker's JDK version changes: the running one first. */
final class Jdks {
    private Jdks() {
    }

    /** The running JDK if its feature release passes {@code feature}, else one under /usr/lib/jvm that does. */
    static Optional<Path> find(IntPredicate feature) {
        List<Path> homes = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
        try (DirectoryStream<Path> installed = Files.newDirectoryStream(Path.of("/usr/lib/jvm"))) {
            installed.forEach(homes::add);
        } catch (IOException e) {
            // only the running JDK
        }
        for (Path home : homes) {
            int f = feature(home);
            if (f > 0 && feature.test(f) && Files.isExecutable(home.resolve("bin").resolve("java"))) {
                return Optional.of(home);
            }
        }
        return Optional.empty();
    }

    /** The feature release in {@code home}'s release file, 0 if none. */
    static int feature(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=\"")) {
                    String v = line.substring("JAVA_VERSION=\"".length());
                    int end = 0;
                    while (end < v.length() && Character.isDigit(v.charAt(end))) {
                        end++;
                    }
                    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a JDK
        }
        return 0;
    }
}
