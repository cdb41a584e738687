package io.jpool.internal.codec;

import io.jpool.internal.ipc.FrameChannel;

import java.io.ObjectInputFilter;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@link ObjectInputFilter} under which a manager reads values that other JVMs send.
 *
 * <h2>How it works</h2>
 * Two checks, each with its own message: the limits (depth, references, bytes), always; and,
 * with an allow-list, the class of every object, array element type and {@code Class} in the
 * stream, which must be the JDK's, jpool's or match a pattern. A serializable lambda arrives as a
 * {@code SerializedLambda} that names its capturing class, so a lambda passes only if the class
 * that wrote it does (the hidden class it becomes is judged as that class). A refusal throws an exception that names the class and the fix; the
 * stream reports it as the cause of its {@code InvalidClassException}.
 */
public final class ValueFilter {
    private static final String LIMITS_PATTERN = "maxdepth=200;maxrefs=5000000;maxbytes=" + FrameChannel.MAX_FRAME;
    public static final ObjectInputFilter LIMITS = ObjectInputFilter.Config.createFilter(LIMITS_PATTERN);
    /** Always allowed: the JDK's classes and jpool's (proxies, exceptions). */
    private static final List<String> ALWAYS = List.of("java.**", "javax.**", "io.jpool.*", "io.jpool.internal.**");

    private ValueFilter() {
    }

    /** The filter for {@code allowed} class patterns; the limits alone if null. */
    public static ObjectInputFilter of(Set<String> allowed) {
        if (allowed == null) {
            return LIMITS;
        }
        StringBuilder pattern = new StringBuilder();
        for (String p : ALWAYS) {
            pattern.append(p).append(';');
        }
        for (String p : allowed) {
            pattern.append(p).append(';');
        }
        ObjectInputFilter classes = ObjectInputFilter.Config.createFilter(pattern.append("!*").toString());
        String listed = new TreeSet<>(allowed).toString();
        return info -> {
            ObjectInputFilter.Status limits = LIMITS.checkInput(info);
            if (limits == ObjectInputFilter.Status.REJECTED) {
                throw new IllegalArgumentException("the value exceeds the manager's limits (" + LIMITS_PATTERN + ")");
            }
            Class<?> c = info.serialClass();
            if (c != null && classes.checkInput(asHost(info, c)) == ObjectInputFilter.Status.REJECTED) {
                throw new IllegalArgumentException(c.getName() + " is not in the manager's allowedClasses " + listed
                        + ": add it or its package to Manager.builder().allowedClasses(...) if the manager may read it");
            }
            return ObjectInputFilter.Status.UNDECIDED;
        };
    }

    /**
     * A lambda comes back from its SerializedLambda as a hidden class named after the class that
     * wrote it ({@code Host$$Lambda$12/0x...}), which the stream checks too: judge it as that
     * host, which the stream has checked already.
     */
    private static ObjectInputFilter.FilterInfo asHost(ObjectInputFilter.FilterInfo info, Class<?> c) {
        int lambda = c.getName().indexOf("$$Lambda");
        if (!c.isHidden() || lambda < 0) {
            return info;
        }
        Class<?> host;
        try {
            host = Class.forName(c.getName().substring(0, lambda), false, c.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return info;
        }
        return new ObjectInputFilter.FilterInfo() {
            @Override public Class<?> serialClass() { return host; }
            @Override public long arrayLength() { return info.arrayLength(); }
            @Override public long depth() { return info.depth(); }
            @Override public long references() { return info.references(); }
            @Override public long streamBytes() { return info.streamBytes(); }
        };
    }

    /**
     * Checks that {@code pattern} is a class pattern this filter takes: a class name, a package
     * with {@code .*} (its classes) or {@code .**} (and its subpackages), or a name prefix
     * ending in {@code *}.
     */
    public static String checkPattern(String pattern) {
        if (pattern == null) {
            throw new NullPointerException("an allowed class pattern is null");
        }
        if (!pattern.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}.]*(\\.\\*\\*?|\\*)?")) {
            throw new IllegalArgumentException("\"" + pattern + "\" is not an allowed-class pattern: give a class name "
                    + "(com.example.Point), a package with .* (com.example.*), a package tree with .** (com.example.**) "
                    + "or a name prefix with * (com.example.Point*)");
        }
        return pattern;
    }
}
