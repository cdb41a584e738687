package io.jpool.internal.manager;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/** A SharedMap's data: a ConcurrentHashMap whose merge/compute are atomic per key. */
final class MapState implements SharedState {
    private final ConcurrentHashMap<Object, Object> map = new ConcurrentHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public Object apply(Op op, Object[] a, String owner) {
        return switch ((Op.MapOp) op) {
            case GET -> map.get(key(a[0]));
            case PUT -> map.put(key(a[0]), value(a[1]));
            case PUT_IF_ABSENT -> map.putIfAbsent(key(a[0]), value(a[1]));
            case REMOVE -> map.remove(key(a[0]));
            case REMOVE_IF_EQUALS -> a[1] != null && map.remove(key(a[0]), a[1]);
            case REPLACE -> map.replace(key(a[0]), value(a[1]));
            case REPLACE_IF_EQUALS -> map.replace(key(a[0]), value(a[1]), value(a[2]));
            case CONTAINS_KEY -> map.containsKey(key(a[0]));
            case CONTAINS_VALUE -> map.containsValue(value(a[0]));
            case MERGE -> map.merge(key(a[0]), value(a[1]), (BiFunction<Object, Object, Object>) a[2]);
            case COMPUTE -> map.compute(key(a[0]), (BiFunction<Object, Object, Object>) a[1]);
            case COMPUTE_IF_ABSENT -> map.computeIfAbsent(key(a[0]), (Function<Object, Object>) a[1]);
            case SIZE -> map.size();
            case CLEAR -> {
                map.clear();
                yield null;
            }
            case PUT_ALL -> {
                Map<Object, Object> all = (Map<Object, Object>) a[0];
                all.forEach((k, v) -> {
                    key(k);
                    value(v);
                });
                map.putAll(all);
                yield null;
            }
            case SNAPSHOT -> new HashMap<>(map);
        };
    }

    private static Object key(Object k) {
        if (k == null) {
            throw new NullPointerException("a SharedMap holds no null keys");
        }
        return k;
    }

    private static Object value(Object v) {
        if (v == null) {
            throw new NullPointerException("a SharedMap holds no null values (remove the key instead)");
        }
        return v;
    }

    @Override
    public void close() {
    }
}
