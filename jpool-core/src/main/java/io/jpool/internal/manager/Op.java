package io.jpool.internal.manager;

/**
 * An operation on a shared object. Each kind's operations are one enum here, used both by the
 * proxies that send them and by the states that run them, so a misspelt or unhandled operation
 * does not compile (each state's {@code switch} covers its enum with no default).
 *
 * <h2>How it works</h2>
 * On the wire an operation is two bytes, its {@link Kind}'s ordinal and its own ordinal (see
 * {@link WireFormat}); a new operation goes at the end of its enum so that the others keep their
 * codes. A <em>quick</em> operation never waits for another caller and runs no user code: the
 * connection's reader thread runs it itself, one thread hop fewer; the others (take, lock, await,
 * the map's and value's functions) get a handler thread so that they hold up no other call. The
 * comment beside an operation gives its arguments.
 */
sealed interface Op permits Op.MapOp, Op.ListOp, Op.QueueOp, Op.LockOp, Op.CounterOp, Op.ValueOp, Op.EventOp {
    /** The kind of shared object this operation applies to. */
    Kind kind();

    /** Whether it never waits and runs no user code, so the connection's reader may run it. */
    boolean quick();

    /** Its code within its kind on the wire. */
    int ordinal();

    /** The enum constant's name. */
    String name();

    /** The method's name, as messages show it: {@code putIfAbsent} for PUT_IF_ABSENT. */
    default String label() {
        StringBuilder s = new StringBuilder();
        boolean upper = false;
        for (char c : name().toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                s.append(upper ? c : Character.toLowerCase(c));
                upper = false;
            }
        }
        return s.toString();
    }

    /** SharedMap's operations. */
    enum MapOp implements Op {
        GET(true),                 // key
        PUT(true),                 // key, value
        PUT_IF_ABSENT(true),       // key, value
        REMOVE(true),              // key
        REMOVE_IF_EQUALS(true),    // key, value
        REPLACE(true),             // key, value
        REPLACE_IF_EQUALS(true),   // key, old value, new value
        CONTAINS_KEY(true),        // key
        CONTAINS_VALUE(true),      // value
        MERGE(false),              // key, value, function
        COMPUTE(false),            // key, function
        COMPUTE_IF_ABSENT(false),  // key, function
        SIZE(true),
        CLEAR(true),
        PUT_ALL(true),             // a HashMap
        SNAPSHOT(true);

        private final boolean quick;

        MapOp(boolean quick) {
            this.quick = quick;
        }

        @Override
        public Kind kind() {
            return Kind.MAP;
        }

        @Override
        public boolean quick() {
            return quick;
        }
    }

    /** SharedList's operations: all quick. */
    enum ListOp implements Op {
        ADD,       // element
        GET,       // index
        SET,       // index, element
        REMOVE,    // index
        SIZE,
        SNAPSHOT;

        @Override
        public Kind kind() {
            return Kind.LIST;
        }

        @Override
        public boolean quick() {
            return true;
        }
    }

    /** SharedQueue's operations. A timeout is in nanoseconds: null waits forever, a negative one not at all. */
    enum QueueOp implements Op {
        OFFER(false),    // element, timeout
        POLL(false),     // timeout; a non-null element taken is claimed until its caller acknowledges it
        SIZE(true),
        CAPACITY(true);

        private final boolean quick;

        QueueOp(boolean quick) {
            this.quick = quick;
        }

        @Override
        public Kind kind() {
            return Kind.QUEUE;
        }

        @Override
        public boolean quick() {
            return quick;
        }
    }

    /** SharedLock's operations. */
    enum LockOp implements Op {
        TRY_LOCK(false),   // timeout in nanoseconds, null to wait forever
        UNLOCK(true),
        IS_LOCKED(true);

        private final boolean quick;

        LockOp(boolean quick) {
            this.quick = quick;
        }

        @Override
        public Kind kind() {
            return Kind.LOCK;
        }

        @Override
        public boolean quick() {
            return quick;
        }
    }

    /** SharedCounter's operations: all quick. */
    enum CounterOp implements Op {
        GET,
        SET,               // value
        ADD_AND_GET,       // delta
        COMPARE_AND_SET;   // expected, value

        @Override
        public Kind kind() {
            return Kind.COUNTER;
        }

        @Override
        public boolean quick() {
            return true;
        }
    }

    /** SharedValue's operations. */
    enum ValueOp implements Op {
        GET(true),
        SET(true),               // value
        COMPARE_AND_SET(true),   // expected, value
        UPDATE_AND_GET(false);   // function

        private final boolean quick;

        ValueOp(boolean quick) {
            this.quick = quick;
        }

        @Override
        public Kind kind() {
            return Kind.VALUE;
        }

        @Override
        public boolean quick() {
            return quick;
        }
    }

    /** SharedEvent's operations. */
    enum EventOp implements Op {
        SET(true),
        CLEAR(true),
        IS_SET(true),
        AWAIT(false);   // timeout in nanoseconds, null to wait forever

        private final boolean quick;

        EventOp(boolean quick) {
            this.quick = quick;
        }

        @Override
        public Kind kind() {
            return Kind.EVENT;
        }

        @Override
        public boolean quick() {
            return quick;
        }
    }
}
