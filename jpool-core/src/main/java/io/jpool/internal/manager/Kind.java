package io.jpool.internal.manager;

import java.util.Locale;

/**
 * The kinds of shared object a manager holds. A kind's ordinal is its code on the wire (the first
 * of an operation's two bytes, see {@link Op}); a new kind goes at the end so that the others keep
 * their codes.
 */
enum Kind {
    MAP(Op.MapOp.values()),
    LIST(Op.ListOp.values()),
    QUEUE(Op.QueueOp.values()),
    LOCK(Op.LockOp.values()),
    COUNTER(Op.CounterOp.values()),
    VALUE(Op.ValueOp.values()),
    EVENT(Op.EventOp.values());

    private static final Kind[] ALL = values();

    private final Op[] ops;
    private final String label;

    Kind(Op[] ops) {
        this.ops = ops;
        this.label = name().toLowerCase(Locale.ROOT);
    }

    /** The kind with wire code {@code code}, or null if there is none (a peer of another version). */
    static Kind ofCode(int code) {
        return code >= 0 && code < ALL.length ? ALL[code] : null;
    }

    /** This kind's operation with wire code {@code code}, or null if it has none. */
    Op op(int code) {
        return code >= 0 && code < ops.length ? ops[code] : null;
    }

    /** {@code map}, as messages name the kind. */
    String label() {
        return label;
    }
}
