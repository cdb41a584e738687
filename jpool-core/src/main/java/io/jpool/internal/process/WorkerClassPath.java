package io.jpool.internal.process;

import io.jpool.internal.process.worker.WorkerMain;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The default class path of a pool's workers: this JVM's {@code java.class.path}, plus where
 * jpool and the application's classes were really loaded from when that is somewhere else.
 *
 * <h2>How it works</h2>
 * Under {@code java -cp} (or {@code -jar}) the system property is the application's class path
 * and nothing is added. Under {@code mvn exec:java}, an IDE runner or an application server it is
 * the launcher's: jpool and the application were loaded by a {@link URLClassLoader} the launcher
 * made. Then, in the thread that builds the pool, this adds
 * <ol>
 *   <li>the jar or directory that {@code WorkerMain} came from, and the file URLs of the
 *       {@code URLClassLoader}s that loaded it (its dependencies' loaders), and</li>
 *   <li>the file URLs of the {@code URLClassLoader}s of the thread's context class loader,
 *       which is where launchers and servers put the application's classes.</li>
 * </ol>
 * For an application on the module path, the jars and directories of the modules it was started
 * with (jpool's own among them) come first.
 * A location that is not a plain file or directory (a jar inside a jar, as in a Spring Boot fat
 * jar: {@code jar:nested:...!/}) cannot be put on a command line; if jpool itself is there,
 * building the pool fails and says to set {@code classpath(...)}.
 */
public final class WorkerClassPath {
    private WorkerClassPath() {
    }

    /**
     * The workers' class path for a pool whose builder was given {@code configured}: returned as
     * it is unless it is this JVM's {@code java.class.path} (the builder's default).
     *
     * @throws IllegalStateException if jpool was loaded from where a worker cannot load it
     */
    public static String resolve(String configured) {
        String system = System.getProperty("java.class.path", "");
        if (!configured.equals(system)) {
            return configured; // chosen by the user: theirs to get right
        }
        return resolve(system, WorkerMain.class, Thread.currentThread().getContextClassLoader());
    }

    /**
     * {@code systemClassPath} plus what {@code jpoolClass}'s and {@code context}'s loaders hold
     * that it lacks; see the class note.
     */
    static String resolve(String systemClassPath, Class<?> jpoolClass, ClassLoader context) {
        Set<String> entries = new LinkedHashSet<>();
        for (String e : systemClassPath.split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(normalize(e));
            }
        }
        int before = entries.size();
        addModulePath(entries, jpoolClass.getModule().getLayer());
        String jpoolLocation = locationOf(jpoolClass);
        if (jpoolLocation != null && !entries.contains(jpoolLocation)) {
            entries.add(entryOf(jpoolLocation, jpoolClass));
            addUrlLoaders(entries, jpoolClass.getClassLoader());
        }
        addUrlLoaders(entries, context);
        if (entries.size() == before) {
            return systemClassPath;
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The jar or directory a class came from as a URL string, or null if unknown (JDK classes). */
    static String locationOf(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return null;
        }
        URL url = cs.getLocation();
        if (!"file".equals(url.getProtocol())) {
            return url.toString();
        }
        String asFile = fileOf(url);
        return asFile == null ? url.toString() : normalize(asFile);
    }

    /**
     * A class path entry for {@code location} (from {@link #locationOf}), or an exception that
     * says what to do when it cannot be one.
     */
    static String entryOf(String location, Class<?> loaded) {
        if (location.startsWith("jar:") || location.contains("!/") || location.contains("://")
                || location.startsWith("nested:")) {
            throw new IllegalStateException("jpool's classes (" + loaded.getName() + ") were loaded from " + location
                    + ", inside another archive (a Spring Boot or other fat jar?), which a worker JVM cannot put on"
                    + " its class path. Set ProcessPool.builder().classpath(...) to plain jars and directories that"
                    + " hold jpool-core and your task classes (for a fat jar, unpack its libraries beside it first).");
        }
        return location;
    }

    /**
     * The jars and directories of the modules in the boot layer and in jpool's {@code layer} (null
     * when jpool is on the class path): a worker starts on the class path, where a module-path
     * application's modules are plain jars. The JDK's own modules have no file location.
     */
    private static void addModulePath(Set<String> entries, ModuleLayer layer) {
        List<ModuleLayer> layers = new ArrayList<>();
        layers.add(ModuleLayer.boot());
        if (layer != null && layer != ModuleLayer.boot()) {
            layers.add(layer);
        }
        for (ModuleLayer l : layers) {
            for (java.lang.module.ResolvedModule m : l.configuration().modules()) {
                m.reference().location().filter(uri -> "file".equals(uri.getScheme()))
                        .ifPresent(uri -> entries.add(normalize(Path.of(uri).toString())));
            }
        }
    }

    private static void addUrlLoaders(Set<String> entries, ClassLoader loader) {
        List<ClassLoader> chain = new ArrayList<>();
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            chain.add(0, l); // parents first: the order a loader searches in
        }
        for (ClassLoader l : chain) {
            if (l instanceof URLClassLoader) {
                for (URL url : ((URLClassLoader) l).getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        String f = fileOf(url);
                        if (f != null) {
                            entries.add(normalize(f));
                        }
                    }
                    // anything else (http, nested jars) cannot go on a command line; a task class
                    // from there fails in the worker with the class's name
                }
            }
        }
    }

    private static String fileOf(URL url) {
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }

    private static String normalize(String entry) {
        try {
            return Path.of(entry).toAbsolutePath().normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            return entry;
        }
    }
}
