package io.jpool.internal.codec;

import java.io.ObjectInputFilter;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks jpool applies to every object stream that another JVM sends, shared by its two
 * configurations: {@link ResultFilter} (what process workers return) and {@link ValueFilter}
 * (what reaches a manager). Each configuration sets the limits and words the refusals.
 *
 * <h2>How it works</h2>
 * {@link #exceeded} compares the stream's nesting depth, references and bytes so far with the
 * limits, as the JDK's {@code maxdepth}/{@code maxrefs}/{@code maxbytes} patterns do. With an
 * allow-list, {@link #refuses} judges the class of every object, array element type and
 * {@code Class} in the stream: the JDK's, jpool's and the listed patterns pass, nothing else. A
 * serializable lambda arrives as a {@code SerializedLambda} that names its capturing class (which
 * the stream checks as a {@code Class}) and becomes a hidden class named after it
 * ({@code Host$$Lambda$12/0x...}), so that hidden class is judged as its host.
 */
final class StreamChecks {
    /** Always allowed: the JDK's classes and jpool's (proxies, exceptions). */
    private static final List<String> ALWAYS = List.of("java.**", "javax.**", "io.jpool.*", "io.jpool.internal.**");

    /** The limit a stream went over. */
    enum Limit { DEPTH, REFERENCES, BYTES }

    private final long maxDepth;
    private final long maxReferences;
    private final long maxBytes;
    /** The allow-list as a pattern filter; null for none. */
    private final ObjectInputFilter classes;
    private final Set<String> listed;

    /** {@code allowed}: class patterns (see {@link #checkPattern}), or null for no allow-list. */
    StreamChecks(long maxDepth, long maxReferences, long maxBytes, Set<String> allowed) {
        this.maxDepth = maxDepth;
        this.maxReferences = maxReferences;
        this.maxBytes = maxBytes;
        if (allowed == null) {
            classes = null;
            listed = null;
        } else {
            StringBuilder pattern = new StringBuilder();
            for (String p : ALWAYS) {
                pattern.append(p).append(';');
            }
            for (String p : allowed) {
                pattern.append(p).append(';');
            }
            classes = ObjectInputFilter.Config.createFilter(pattern.append("!*").toString());
            listed = new TreeSet<>(allowed);
        }
    }

    /** The limit {@code info} goes over, or null. */
    Limit exceeded(ObjectInputFilter.FilterInfo info) {
        if (info.depth() > maxDepth) {
            return Limit.DEPTH;
        }
        if (info.references() > maxReferences) {
            return Limit.REFERENCES;
        }
        if (info.streamBytes() > maxBytes) {
            return Limit.BYTES;
        }
        return null;
    }

    /** Whether the allow-list refuses {@code info}'s class; false without a list or a class. */
    boolean refuses(ObjectInputFilter.FilterInfo info) {
        Class<?> c = info.serialClass();
        return classes != null && c != null && classes.checkInput(asHost(info, c)) == ObjectInputFilter.Status.REJECTED;
    }

    /** The allowed patterns, sorted, for messages; null without an allow-list. */
    Set<String> listed() {
        return listed;
    }

    /**
     * {@code info} with a lambda's hidden class replaced by the class that wrote the lambda,
     * which the stream has checked already.
     */
    private static ObjectInputFilter.FilterInfo asHost(ObjectInputFilter.FilterInfo info, Class<?> c) {
        int lambda = c.getName().indexOf("$$Lambda");
        if (lambda < 0 || !c.isHidden()) {
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
     * {@code pattern} if it is a class pattern an allow-list takes: a class name, a package with
     * {@code .*} (its classes) or {@code .**} (and its subpackages), or a name prefix ending in
     * {@code *}; else an exception that says the forms.
     */
    static String checkPattern(String pattern) {
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
