package io.jpool.internal.codec;

import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The checks under which the caller reads what workers send (results and exceptions): limits that
 * bound what decoding can cost, always; with an allow-list, only the JDK's classes, jpool's and the
 * listed ones. A worker running hostile code thus cannot hand the caller a gadget chain, nor a
 * small value that costs unbounded CPU or memory to decode. The depth, reference, byte and class
 * checks are {@link StreamChecks}' (shared with the manager's {@link ValueFilter}); the array and
 * collection checks below are this filter's own.
 *
 * <h2>How it works</h2>
 * {@link JdkCodec} asks {@link #forStream} for a fresh {@link Check} per object stream, since two
 * of the limits need the stream's length and state:
 * <ul>
 *   <li>As an {@link ObjectInputFilter}, a check refuses nesting deeper than {@link #MAX_DEPTH},
 *       more than {@link #MAX_REFERENCES} references, more bytes than the pool's
 *       {@code maxResultBytes}, and any array (also the tables collections size through the
 *       filter as they read) longer than the bytes left in the stream could fill: a primitive
 *       array needs its size in bytes, a reference array at least one byte per eight slots.</li>
 *   <li>As each collection, map or map entry is read, the stream's {@code resolveObject} hands it
 *       to {@link Check#resolved}, which counts its elements through its sub-collections, shared
 *       ones as often as they are reached (the work its {@code hashCode} or {@code equals} would
 *       do), and refuses it past {@link #UNROLLED_PER_BYTE} per stream byte plus
 *       {@link #UNROLLED_BASE}. A collection is read before the hash set that holds it hashes it,
 *       so nested hash sets built to cost 2^depth (SerialDOS) are refused after a few thousand
 *       steps. A plain tree never exceeds the limit: each element costs the stream a byte.</li>
 * </ul>
 * A refusal is a {@link Refused} naming the limit; {@link #failure} turns what decoding threw into
 * the task's exception with that name in its message.
 */
public final class ResultFilter implements ObjectInputFilter {
    /** Objects nested deeper than this are refused (also keeps a decode off the stack's end). */
    public static final int MAX_DEPTH = 100;
    /** References (objects, back references, nulls) in one stream. */
    public static final long MAX_REFERENCES = 10_000_000L;
    /** Elements a collection may reach, counted through shared sub-collections, per stream byte... */
    public static final long UNROLLED_PER_BYTE = 2;
    /** ...plus this many. */
    public static final long UNROLLED_BASE = 10_000;
    /** Slack for the object stream reading a data block ahead of the filter's byte count. */
    private static final long READ_AHEAD = 1100;

    /** Whether a class is a collection, map or map entry: the objects whose reach is counted. */
    private static final ClassValue<Boolean> CONTAINER = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)
                    || Map.Entry.class.isAssignableFrom(type);
        }
    };

    /** Slack for the object stream's own overhead over the result's bytes. */
    private static final long BYTES_SLACK = 65536;

    private final StreamChecks checks;
    private final long maxBytes;

    private ResultFilter(StreamChecks checks, long maxBytes) {
        this.checks = checks;
        this.maxBytes = maxBytes;
    }

    /** {@code pattern} if an allow-list takes it, else an exception that says the forms it takes. */
    public static String checkPattern(String pattern) {
        return StreamChecks.checkPattern(pattern);
    }

    /** Checks for results of at most {@code maxBytes}; {@code allowed} patterns, or null for no allow-list. */
    public static ResultFilter create(Set<String> allowed, long maxBytes) {
        long byteLimit = maxBytes > Long.MAX_VALUE - BYTES_SLACK ? Long.MAX_VALUE : maxBytes + BYTES_SLACK;
        return new ResultFilter(new StreamChecks(MAX_DEPTH, MAX_REFERENCES, byteLimit, allowed), maxBytes);
    }

    /** A fresh check for one object stream of {@code streamLength} bytes. */
    public Check forStream(long streamLength) {
        return new Check(streamLength);
    }

    /** Used directly (not through {@link #forStream}), only the limits that need no state apply. */
    @Override
    public Status checkInput(FilterInfo info) {
        return forStream(maxBytes).checkInput(info);
    }

    /**
     * The task's exception for what decoding its result threw: names the limit or the class that
     * refused it, else says that the result could not be read.
     *
     * @param what "the result of task #7", say
     */
    public static IllegalStateException failure(String what, Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof Refused) {
                return new IllegalStateException(what + " was refused by the pool's result filter: " + c.getMessage(), e);
            }
        }
        if (e instanceof InvalidClassException) {
            return new IllegalStateException(what + " was refused by the pool's result filter: " + e.getMessage()
                    + " (allow its classes with ProcessPool.builder().allowedResultClasses(...))", e);
        }
        return new IllegalStateException(what + " could not be read: " + e, e);
    }

    /** A result refused by a limit or the allow-list; the message says which and what to do. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The checks for one object stream: its filter, and {@link #resolved} for each object read. */
    public final class Check implements ObjectInputFilter {
        private final long length;
        private final long unrolledLimit;
        /** Collections, maps and entries read so far, with the elements each reaches; made on first use. */
        private Map<Object, Long> reach;
        /** The length of a byte[] that arrived beside the stream (a blob) and is checked next, or -1. */
        private long blob = -1;

        Check(long length) {
            this.length = length;
            this.unrolledLimit = UNROLLED_BASE + UNROLLED_PER_BYTE * length;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            StreamChecks.Limit over = checks.exceeded(info);
            if (over != null) {
                throw new Refused(switch (over) {
                    case DEPTH -> "objects nested " + info.depth() + " deep, over the limit of " + MAX_DEPTH
                            + " (maxDepth); return a flatter value";
                    case REFERENCES -> "more than " + MAX_REFERENCES + " object references (maxReferences)";
                    case BYTES -> "more than the pool's maxResultBytes of " + maxBytes + " bytes (maxResultBytes)";
                });
            }
            Class<?> type = info.serialClass();
            if (type == byte[].class && info.arrayLength() == blob) {
                blob = -1; // already read, beside the stream: its bytes were there
            } else if (type != null && type.isArray() && info.arrayLength() >= 0) {
                checkArray(type.getComponentType(), info.arrayLength(), Math.max(0, length - info.streamBytes()));
            }
            if (checks.refuses(info)) {
                throw new Refused("class " + type.getName() + " is not allowed (allowedResultClasses): allow it"
                        + " with ProcessPool.builder().allowedResultClasses(...)");
            }
            return Status.UNDECIDED;
        }

        private void checkArray(Class<?> component, long length, long remaining) {
            long room = remaining + READ_AHEAD;
            long most = component.isPrimitive() ? room / size(component) : 8 * room;
            if (length > most) {
                throw new Refused("an array of " + length + " " + component.getName() + " declared with "
                        + remaining + " bytes left in the stream (maxArrayLength: no longer than the bytes that"
                        + " would fill it)");
            }
        }

        /** A byte[] of {@code length} bytes read from beside the stream replaces its stand-in next. */
        void blobRead(int length) {
            blob = length;
        }

        /**
         * {@code obj} was read (and not yet handed to whatever holds it): if it is a collection, map
         * or entry, counts the elements it reaches and refuses it past the limit.
         */
        void resolved(Object obj) {
            if (obj == null || !CONTAINER.get(obj.getClass())) {
                return; // most objects: one lookup, not three interface checks
            }
            long n;
            if (obj instanceof Collection) {
                n = 1;
                for (Object e : (Collection<?>) obj) {
                    n = add(n, e, obj);
                }
            } else if (obj instanceof Map) {
                n = 1;
                for (Map.Entry<?, ?> e : ((Map<?, ?>) obj).entrySet()) {
                    n = add(add(n, e.getKey(), obj), e.getValue(), obj);
                }
            } else if (obj instanceof Map.Entry) {
                Map.Entry<?, ?> e = (Map.Entry<?, ?>) obj;
                n = add(add(1, e.getKey(), obj), e.getValue(), obj);
            } else {
                return;
            }
            if (reach == null) {
                reach = new IdentityHashMap<>();
            }
            reach.put(obj, n);
        }

        private long add(long n, Object element, Object container) {
            boolean counted = reach != null && element != null && CONTAINER.get(element.getClass());
            long sum = n + (counted ? reach.getOrDefault(element, 1L) : 1);
            if (sum > unrolledLimit) {
                throw new Refused("a " + container.getClass().getName() + " that reaches more than " + unrolledLimit
                        + " elements through shared sub-collections in a stream of " + length + " bytes"
                        + " (maxUnrolledElements: " + UNROLLED_BASE + " + " + UNROLLED_PER_BYTE + " per byte;"
                        + " hashing it would cost as much): share fewer collections among collections");
            }
            return sum;
        }
    }

    private static long size(Class<?> primitive) {
        if (primitive == long.class || primitive == double.class) {
            return 8;
        }
        if (primitive == int.class || primitive == float.class) {
            return 4;
        }
        if (primitive == short.class || primitive == char.class) {
            return 2;
        }
        return 1;
    }
}
