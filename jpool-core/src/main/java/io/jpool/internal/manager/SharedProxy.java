package io.jpool.internal.manager;

import java.io.Serializable;

/**
 * Base of every shared-object proxy: names its manager and object, and sends each operation to
 * the manager, directly when the manager lives in this JVM (arguments and results copied, as a
 * remote caller would see them), else through this JVM's {@link ManagerClient}.
 */
abstract class SharedProxy implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ManagerRef ref;
    private final Kind kind;
    final String name;

    SharedProxy(ManagerRef ref, Kind kind, String name) {
        this.ref = ref;
        this.kind = kind;
        this.name = name;
    }

    /** An operation that may block and so may be interrupted. */
    final Object callInterruptibly(Op op, Object... args) throws InterruptedException {
        try {
            ManagerServer local = ManagerServer.LOCAL.get(ref.id());
            if (local != null) {
                Object[] copied = args.length == 0 ? args : Wire.copy(args);
                return Wire.copy(local.invoke(op, name, copied, "local/" + Thread.currentThread().getId()));
            }
            for (Object a : args) {
                checkSerializable(a);
            }
            return ManagerClient.of(ref).call(op, name, args);
        } catch (InterruptedException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("shared " + kind.label() + " \"" + name + "\": " + op.label() + " failed: " + e, e);
        }
    }

    /** An operation that does not block: an interrupt is kept for later, not thrown. */
    final Object call(Op op, Object... args) {
        try {
            return callInterruptibly(op, args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + op.label() + " on shared " + kind.label() + " \"" + name + "\"", e);
        }
    }

    private static void checkSerializable(Object a) {
        if (a != null && !(a instanceof Serializable)) {
            throw new IllegalArgumentException(a.getClass().getName() + " is not Serializable: values and functions "
                    + "given to shared objects travel to the manager, so they must be");
        }
    }

    /**
     * What {@code toString} shows of the object now (one call to the manager), as Python's
     * proxies' {@code str} shows their referent: the contents of a map or list, else the kind and
     * name with the state.
     */
    abstract String contents();

    /** {@code SharedKind[name]}, the prefix of the non-collection proxies' strings. */
    final String label() {
        String k = kind.label();
        return "Shared" + Character.toUpperCase(k.charAt(0)) + k.substring(1) + "[" + name + "]";
    }

    @Override
    public String toString() {
        try {
            return contents();
        } catch (RuntimeException unreachable) { // closed manager, or a value this JVM cannot read
            return label() + " @ manager " + ref.id() + " (" + unreachable.getClass().getSimpleName() + ")";
        }
    }
}
