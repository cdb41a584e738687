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
 * connection's reader thread runs it itself, one thread hop fewer; so does a call of a waiting
 * operation told not to wait ({@link #quick(Object[])}: offer, poll, tryLock or await with a timeout
 * of zero or less). The others (take, put, lock, await that may wait, the map's and value's
 * functions) get a handler thread so that they hold up no other call. Each
 * operation states its number of arguments, which the server checks before it runs a call; the
 * comment beside it names them.
 */
sealed interface Op permits Op.MapOp, Op.ListOp, Op.QueueOp, Op.LockOp, Op.CounterOp, Op.ValueOp, Op.EventOp {
    /** The kind of shared object this operation applies to. */
    Kind kind();

    /** Whether it never waits and runs no user code, so the connection's reader may run it. */
    boolean quick();

    /**
     * Whether this call of it never waits and runs no user code: {@link #quick()}, or a call that
     * may wait but was told not to (a zero or negative timeout, as {@code offer(e)} and
     * {@code poll()} send). A call whose arguments are not what the operation takes (a peer of
     * another version) is not quick: the server fails it on a handler thread.
     */
    default boolean quick(Object[] args) {
        return quick();
    }

    /** Whether {@code args[i]} is a timeout that says: do not wait. */
    static boolean noWait(Object[] args, int arity, int i) {
        return args != null && args.length == arity && args[i] instanceof Long && (Long) args[i] <= 0L;
    }

    /** How many arguments it takes (the comment beside the constant names them). */
    int arity();

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
        GET(true, 1),                  // key
        PUT(true, 2),                  // key, value
        PUT_IF_ABSENT(true, 2),        // key, value
        REMOVE(true, 1),               // key
        REMOVE_IF_EQUALS(true, 2),     // key, value
        REPLACE(true, 2),              // key, value
        REPLACE_IF_EQUALS(true, 3),    // key, old value, new value
        CONTAINS_KEY(true, 1),         // key
        CONTAINS_VALUE(true, 1),       // value
        MERGE(false, 3),               // key, value, function
        COMPUTE(false, 2),             // key, function
        COMPUTE_IF_ABSENT(false, 2),   // key, function
        SIZE(true, 0),
        CLEAR(true, 0),
        PUT_ALL(true, 1),              // a HashMap
        SNAPSHOT(true, 0);

        private final boolean quick;
        private final int arity;

        MapOp(boolean quick, int arity) {
            this.quick = quick;
            this.arity = arity;
        }

        @Override
        public Kind kind() {
            return Kind.MAP;
        }

        @Override
        public boolean quick() {
            return quick;
        }

        @Override
        public int arity() {
            return arity;
        }
    }

    /** SharedList's operations: all quick. */
    enum ListOp implements Op {
        ADD(1),        // element
        GET(1),        // index
        SET(2),        // index, element
        REMOVE(1),     // index
        SIZE(0),
        SNAPSHOT(0);

        private final int arity;

        ListOp(int arity) {
            this.arity = arity;
        }

        @Override
        public Kind kind() {
            return Kind.LIST;
        }

        @Override
        public boolean quick() {
            return true;
        }

        @Override
        public int arity() {
            return arity;
        }
    }

    /** SharedQueue's operations. A timeout is in nanoseconds: null waits forever, a negative one not at all. */
    enum QueueOp implements Op {
        OFFER(false, 2),     // element, timeout
        POLL(false, 1),      // timeout; a non-null element taken is claimed until its caller acknowledges it
        SIZE(true, 0),
        CAPACITY(true, 0);

        private final boolean quick;
        private final int arity;

        QueueOp(boolean quick, int arity) {
            this.quick = quick;
            this.arity = arity;
        }

        @Override
        public Kind kind() {
            return Kind.QUEUE;
        }

        @Override
        public boolean quick() {
            return quick;
        }

        @Override
        public boolean quick(Object[] args) {
            return quick || Op.noWait(args, arity, this == OFFER ? 1 : 0);
        }

        @Override
        public int arity() {
            return arity;
        }
    }

    /** SharedLock's operations. */
    enum LockOp implements Op {
        TRY_LOCK(false, 1),   // timeout in nanoseconds, null to wait forever
        UNLOCK(true, 0),
        IS_LOCKED(true, 0);

        private final boolean quick;
        private final int arity;

        LockOp(boolean quick, int arity) {
            this.quick = quick;
            this.arity = arity;
        }

        @Override
        public Kind kind() {
            return Kind.LOCK;
        }

        @Override
        public boolean quick() {
            return quick;
        }

        @Override
        public boolean quick(Object[] args) {
            return quick || Op.noWait(args, arity, 0); // tryLock with no time to wait
        }

        @Override
        public int arity() {
            return arity;
        }
    }

    /** SharedCounter's operations: all quick. */
    enum CounterOp implements Op {
        GET(0),
        SET(1),               // value
        ADD_AND_GET(1),       // delta
        COMPARE_AND_SET(2);   // expected, value

        private final int arity;

        CounterOp(int arity) {
            this.arity = arity;
        }

        @Override
        public Kind kind() {
            return Kind.COUNTER;
        }

        @Override
        public boolean quick() {
            return true;
        }

        @Override
        public int arity() {
            return arity;
        }
    }

    /** SharedValue's operations. */
    enum ValueOp implements Op {
        GET(true, 0),
        SET(true, 1),               // value
        COMPARE_AND_SET(true, 2),   // expected, value
        UPDATE_AND_GET(false, 1);   // function

        private final boolean quick;
        private final int arity;

        ValueOp(boolean quick, int arity) {
            this.quick = quick;
            this.arity = arity;
        }

        @Override
        public Kind kind() {
            return Kind.VALUE;
        }

        @Override
        public boolean quick() {
            return quick;
        }

        @Override
        public int arity() {
            return arity;
        }
    }

    /** SharedEvent's operations. */
    enum EventOp implements Op {
        SET(true, 0),
        CLEAR(true, 0),
        IS_SET(true, 0),
        AWAIT(false, 1);   // timeout in nanoseconds, null to wait forever

        private final boolean quick;
        private final int arity;

        EventOp(boolean quick, int arity) {
            this.quick = quick;
            this.arity = arity;
        }

        @Override
        public Kind kind() {
            return Kind.EVENT;
        }

        @Override
        public boolean quick() {
            return quick;
        }

        @Override
        public boolean quick(Object[] args) {
            return quick || Op.noWait(args, arity, 0); // await with no time to wait
        }

        @Override
        public int arity() {
            return arity;
        }
    }
}
