package io.jpool.internal.codec;

import io.jpool.internal.ipc.FrameChannel;

import java.io.ObjectInputFilter;
import java.util.Set;

/**
 * The {@link ObjectInputFilter} under which a manager reads values that other JVMs send: the
 * manager's configuration of {@link StreamChecks}, with its limits and its wording.
 *
 * <h2>How it works</h2>
 * Two checks, each with its own message: the limits (depth, references, bytes), always; and,
 * with an allow-list, the class of every object, array element type and {@code Class} in the
 * stream (a lambda judged as the class that wrote it). A refusal throws an
 * IllegalArgumentException that names the limits or the class and the fix; the stream reports it
 * as the cause of its {@code InvalidClassException}.
 */
public final class ValueFilter {
    private static final long MAX_DEPTH = 200;
    private static final long MAX_REFERENCES = 5_000_000;
    private static final String LIMITS_TEXT = "maxdepth=" + MAX_DEPTH + ";maxrefs=" + MAX_REFERENCES
            + ";maxbytes=" + FrameChannel.MAX_FRAME;
    /** The filter with the limits alone (no allow-list). */
    public static final ObjectInputFilter LIMITS = of(null);

    private ValueFilter() {
    }

    /** The filter for {@code allowed} class patterns; the limits alone if null. */
    public static ObjectInputFilter of(Set<String> allowed) {
        StreamChecks checks = new StreamChecks(MAX_DEPTH, MAX_REFERENCES, FrameChannel.MAX_FRAME, allowed);
        return info -> {
            if (checks.exceeded(info) != null) {
                throw new IllegalArgumentException("the value exceeds the manager's limits (" + LIMITS_TEXT + ")");
            }
            if (checks.refuses(info)) {
                throw new IllegalArgumentException(info.serialClass().getName() + " is not in the manager's allowedClasses "
                        + checks.listed() + ": add it or its package to Manager.builder().allowedClasses(...) if the manager may read it");
            }
            return ObjectInputFilter.Status.UNDECIDED;
        };
    }

    /**
     * {@code pattern} if it is a class pattern the allow-list takes: a class name, a package
     * with {@code .*} (its classes) or {@code .**} (and its subpackages), or a name prefix
     * ending in {@code *}; else an exception that says the forms.
     */
    public static String checkPattern(String pattern) {
        return StreamChecks.checkPattern(pattern);
    }
}
