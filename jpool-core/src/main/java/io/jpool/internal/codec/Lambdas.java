package io.jpool.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Serializable lambdas without Java serialization: the caller takes the lambda's
 * {@link SerializedLambda} (its {@code writeReplace}) and sends its names and captured values;
 * the worker builds the {@code SerializedLambda} again and hands it to the capturing class's
 * {@code $deserializeLambda$}, which is what {@code SerializedLambda.readResolve} does at the end
 * of a Java deserialization (and which checks the lambda against the class's own lambda sites).
 *
 * <h2>Implementation overview</h2>
 * The point is start-up: a fresh worker JVM takes far longer to read its first object stream
 * (the serialization machinery's classes and their initialization) than to rebuild a lambda
 * this way. Only lambdas whose captured values the {@link ValueCodec} carries (boxed
 * primitives, strings, small byte arrays, arrays of those) go this way; any other task, or a
 * lambda whose {@code writeReplace} cannot be reached (a module that does not open its
 * package), returns null from {@link #encode} and travels by Java serialization.
 * <pre>
 *   [UTF capturing class][UTF interface][UTF method][UTF signature][int impl kind]
 *   [UTF impl class][UTF impl method][UTF impl signature][UTF instantiated type][captured values]
 * </pre>
 */
public final class Lambdas {
    /** A lambda class's {@code writeReplace}, made accessible; null for any other class. */
    private static final ClassValue<Method> WRITE_REPLACE = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            return type.isSynthetic() && Serializable.class.isAssignableFrom(type)
                    ? accessibleMethod(type, "writeReplace") : null;
        }
    };

    /** A capturing class's {@code $deserializeLambda$}, made accessible; null if it has none. */
    private static final ClassValue<Method> DESERIALIZE = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            return accessibleMethod(type, "$deserializeLambda$", SerializedLambda.class);
        }
    };

    /** {@code type}'s own method, made accessible; null if it has none or its module does not open it to us. */
    private static Method accessibleMethod(Class<?> type, String name, Class<?>... parameters) {
        try {
            Method m = type.getDeclaredMethod(name, parameters);
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }

    private Lambdas() {
    }

    /** A serializable lambda's {@code SerializedLambda}, or null for anything else. */
    public static SerializedLambda serializedForm(Object task) {
        Method writeReplace = WRITE_REPLACE.get(task.getClass());
        try {
            Object r = writeReplace == null ? null : writeReplace.invoke(task);
            return r instanceof SerializedLambda ? (SerializedLambda) r : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The lambda's bytes, or null if it must travel by Java serialization. */
    public static byte[] encode(Object task) {
        Method writeReplace = WRITE_REPLACE.get(task.getClass());
        if (writeReplace == null) {
            return null;
        }
        SerializedLambda s;
        try {
            Object r = writeReplace.invoke(task);
            if (!(r instanceof SerializedLambda)) {
                return null;
            }
            s = (SerializedLambda) r;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
        Object[] captured = new Object[s.getCapturedArgCount()];
        for (int i = 0; i < captured.length; i++) {
            captured[i] = s.getCapturedArg(i);
            if (captured[i] instanceof byte[] && ((byte[]) captured[i]).length >= JdkCodec.BLOB_MIN) {
                return null; // a large array goes beside the object stream, uncopied
            }
        }
        byte[] values = ValueCodec.encode(captured);
        if (values == null) {
            return null;
        }
        try {
            ByteWriter bytes = new ByteWriter(256 + values.length);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(s.getCapturingClass());
            out.writeUTF(s.getFunctionalInterfaceClass());
            out.writeUTF(s.getFunctionalInterfaceMethodName());
            out.writeUTF(s.getFunctionalInterfaceMethodSignature());
            out.writeInt(s.getImplMethodKind());
            out.writeUTF(s.getImplClass());
            out.writeUTF(s.getImplMethodName());
            out.writeUTF(s.getImplMethodSignature());
            out.writeUTF(s.getInstantiatedMethodType());
            out.write(values);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException | RuntimeException e) {
            return null; // a name longer than writeUTF takes, say
        }
    }

    /** The lambda in {@code length} bytes at {@code offset}, rebuilt in this JVM. */
    public static Object decode(byte[] b, int offset, int length) throws IOException, ClassNotFoundException {
        ByteArrayInputStream bytes = new ByteArrayInputStream(b, offset, length);
        DataInputStream in = new DataInputStream(bytes);
        String capturing = in.readUTF();
        String iface = in.readUTF();
        String method = in.readUTF();
        String signature = in.readUTF();
        int kind = in.readInt();
        String implClass = in.readUTF();
        String implMethod = in.readUTF();
        String implSignature = in.readUTF();
        String instantiated = in.readUTF();
        int rest = bytes.available();
        Object captured;
        try {
            captured = ValueCodec.decode(b, offset + length - rest, rest);
        } catch (RuntimeException e) {
            throw new InvalidObjectException("bad captured values of a lambda of " + capturing + ": " + e.getMessage());
        }
        if (!(captured instanceof Object[])) {
            throw new InvalidObjectException("bad captured values of a lambda of " + capturing);
        }
        Class<?> capturingClass = load(capturing.replace('/', '.'));
        Method deserialize = DESERIALIZE.get(capturingClass);
        if (deserialize == null) {
            throw new InvalidObjectException(capturingClass.getName() + " has no serializable lambdas"
                    + " (or its module does not open it): cannot rebuild a lambda of it");
        }
        SerializedLambda s = new SerializedLambda(capturingClass, iface, method, signature, kind,
                implClass, implMethod, implSignature, instantiated, (Object[]) captured);
        try {
            return deserialize.invoke(null, s);
        } catch (InvocationTargetException e) {
            InvalidObjectException bad = new InvalidObjectException("cannot rebuild a lambda of "
                    + capturingClass.getName() + ": " + e.getCause());
            bad.initCause(e.getCause());
            throw bad;
        } catch (IllegalAccessException e) {
            throw new InvalidObjectException("cannot rebuild a lambda of " + capturingClass.getName() + ": " + e);
        }
    }

    /** Through the thread's context class loader first, as {@link JdkCodec} resolves classes. */
    private static Class<?> load(String name) throws ClassNotFoundException {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            try {
                return Class.forName(name, false, context);
            } catch (ClassNotFoundException e) {
                // fall back below
            }
        }
        return Class.forName(name, false, Lambdas.class.getClassLoader());
    }
}
