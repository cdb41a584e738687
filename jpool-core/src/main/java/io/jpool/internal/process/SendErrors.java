package io.jpool.internal.process;

import io.jpool.internal.codec.Lambdas;
import io.jpool.internal.pool.MapChunk;
import io.jpool.internal.util.JdkTasks;

import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The messages for a task, map function or map item that cannot be sent to a worker process:
 * what it is, the path to the value that is not {@link Serializable}, and what to do.
 *
 * <h2>How it works</h2>
 * Only called once serialization has failed, so it may be slow. It walks the object the way Java
 * serialization would: a lambda by its captured values ({@code arg$1}, ...; a capture of the
 * enclosing instance is called {@code this}), any other object by its non-static, non-transient
 * fields, collections and arrays by their elements, depth first, until it finds a value that is
 * not {@code Serializable}. It does not look inside JDK classes other than collections and arrays
 * (their fields are closed to reflection, and they are serializable or not as a whole).
 */
public final class SendErrors {
    private static final int MAX_DEPTH = 24;

    private SendErrors() {
    }

    /**
     * The exception for a task or map function that cannot be sent.
     *
     * @param what "task", "map function" or "initializer"
     * @param cause the serialization failure
     */
    static IllegalArgumentException unsendable(String what, Object task, Exception cause) {
        Object adapted = JdkTasks.adaptedFrom(task);
        if (adapted != null && (!(adapted instanceof Serializable) || fromCompletableFuture(adapted))) {
            return new IllegalArgumentException(plainJdkTask(adapted), cause);
        }
        Object root = adapted != null ? adapted : task;
        String path = pathToUnserializable(what, root);
        String because = path != null ? path : "class " + cause.getMessage() + " is not Serializable";
        String hint = because.contains(" captures this (")
                ? " The lambda uses an instance method or field of its enclosing object, so it captures `this`:"
                + " copy what it needs into a local variable, or make the method static."
                : " A process task must capture only Serializable values (a lambda declared as a jpool Task,"
                + " TaskFunction or RunnableTask is serializable itself; its captures must be too).";
        return new IllegalArgumentException("the " + what + " cannot be sent to a worker process: " + because + "."
                + hint, cause);
    }

    /** The exception for a map chunk whose items cannot all be sent: names the first such item. */
    static IllegalArgumentException unsendableItem(MapChunk<?, ?> chunk, Exception cause) {
        Object[] items = chunk.items();
        for (int i = 0; i < items.length; i++) {
            if (items[i] != null && pathToUnserializable("item", items[i]) != null) {
                return new IllegalArgumentException(mapItem(chunk.firstIndex() + i, items[i]), cause);
            }
        }
        return new IllegalArgumentException("a map item of the chunk starting at item " + chunk.firstIndex()
                + " cannot be sent to a worker process: class " + cause.getMessage() + " is not Serializable."
                + " The items of a ProcessPool map must be Serializable.", cause);
    }

    /** The message for map item {@code index} that cannot be sent; no talk of captures. */
    public static String mapItem(long index, Object item) {
        String why = "it is not Serializable";
        if (item instanceof Serializable) {
            String path = walk(item, "", new IdentityHashMap<>(), 0);
            if (path != null) {
                why = "its" + path.substring(" ->".length()) + " is not Serializable";
            }
        }
        return "map item " + index + " (" + (item == null ? "null" : item.getClass().getName())
                + ") cannot be sent to a worker process: " + why + ". The items of a ProcessPool map must be"
                + " Serializable.";
    }

    /** supplyAsync's and runAsync's tasks: serializable as ForkJoinTasks, yet they hold a CompletableFuture. */
    private static boolean fromCompletableFuture(Object adapted) {
        return adapted.getClass().getName().startsWith("java.util.concurrent.CompletableFuture$");
    }

    private static String plainJdkTask(Object adapted) {
        String type = adapted.getClass().getName();
        if (fromCompletableFuture(adapted)) {
            return "CompletableFuture.supplyAsync/runAsync hands a ProcessPool a plain Runnable (" + type
                    + "), which cannot be sent to a worker process: a ProcessPool runs only serializable tasks."
                    + " supplyAsync needs a ThreadPool; with a ProcessPool, declare the work as io.jpool.Task and use"
                    + " pool.submit(task).toCompletableFuture().";
        }
        String kind = adapted instanceof java.util.concurrent.Callable ? "java.util.concurrent.Callable"
                : "java.lang.Runnable";
        String jpoolType = adapted instanceof java.util.concurrent.Callable ? "io.jpool.Task" : "io.jpool.RunnableTask";
        return "the task is a plain " + kind + " (" + type + "), which cannot be sent to a worker process: a"
                + " ProcessPool runs only serializable tasks. Declare it as " + jpoolType + " (for a lambda: "
                + jpoolType.substring(jpoolType.lastIndexOf('.') + 1) + " t = () -> ...; then pool.submit(t)).";
    }

    /**
     * "task captures arg$1 (com.x.Foo) -> field bar (java.lang.Thread) is not Serializable", or
     * null if no unserializable value was found.
     */
    static String pathToUnserializable(String what, Object root) {
        if (!(root instanceof Serializable)) {
            return what + " (" + root.getClass().getName() + ") is not Serializable";
        }
        String path = walk(root, what, new IdentityHashMap<>(), 0);
        return path == null ? null : path + " is not Serializable";
    }

    private static String walk(Object o, String path, Map<Object, Boolean> seen, int depth) {
        if (depth > MAX_DEPTH || seen.put(o, Boolean.TRUE) != null) {
            return null;
        }
        SerializedLambda lambda = Lambdas.serializedForm(o);
        if (lambda != null) {
            for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
                Object arg = lambda.getCapturedArg(i);
                String name = i == 0 && capturesThis(lambda, arg) ? "this" : "arg$" + (i + 1);
                String found = child(arg, path + " captures " + name, seen, depth);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (o instanceof Object[]) {
            Object[] a = (Object[]) o;
            for (int i = 0; i < a.length; i++) {
                String found = child(a[i], path + " -> element [" + i + "]", seen, depth);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (o instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                String found = child(e.getKey(), path + " -> key", seen, depth);
                if (found == null) {
                    found = child(e.getValue(), path + " -> value for key " + e.getKey(), seen, depth);
                }
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (o instanceof Collection) {
            int i = 0;
            for (Object e : (Collection<?>) o) {
                String found = child(e, path + " -> element [" + i++ + "]", seen, depth);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (o.getClass().getModule().isNamed() && o.getClass().getName().startsWith("java.")) {
            return null; // closed to reflection; serializable as a whole
        }
        for (Class<?> c = o.getClass(); c != null && Serializable.class.isAssignableFrom(c); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.getType().isPrimitive()) {
                    continue;
                }
                Object v;
                try {
                    f.setAccessible(true);
                    v = f.get(o);
                } catch (RuntimeException | IllegalAccessException e) {
                    continue; // a module that does not open it: the path ends one step short
                }
                String name = f.getName().equals("this$0") ? "this" : f.getName();
                String found = child(v, path + (depth == 0 && f.getName().equals("this$0") ? " captures " : " -> field ")
                        + name, seen, depth);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static String child(Object v, String path, Map<Object, Boolean> seen, int depth) {
        if (v == null) {
            return null;
        }
        String here = path + " (" + v.getClass().getName() + ")";
        if (!(v instanceof Serializable)) {
            return here;
        }
        return walk(v, here, seen, depth + 1);
    }

    /** Whether a lambda's first captured value is the enclosing instance of its capturing class. */
    private static boolean capturesThis(SerializedLambda lambda, Object first) {
        int kind = lambda.getImplMethodKind();
        return first != null && kind != MethodHandleInfo.REF_invokeStatic && kind != MethodHandleInfo.REF_newInvokeSpecial
                && first.getClass().getName().replace('.', '/').equals(lambda.getCapturingClass());
    }
}
