package io.jpool.internal.manager;

import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/** A SharedMap's data: a ConcurrentHashMap whose merge/compute are atomic per key. */
final class MapState implements SharedState {
    private final ConcurrentHashMap<Object, Object> map = new ConcurrentHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public Object apply(String op, Object[] a, String owner) {
        switch (op) {
            case "get": return map.get(key(a[0]));
            case "put": return map.put(key(a[0]), value(a[1]));
            case "putIfAbsent": return map.putIfAbsent(key(a[0]), value(a[1]));
            case "remove": return map.remove(key(a[0]));
            case "removeIfEquals": return a[1] != null && map.remove(key(a[0]), a[1]);
            case "replaceIfEquals": return map.replace(key(a[0]), value(a[1]), value(a[2]));
            case "containsValue": return map.containsValue(value(a[0]));
            case "computeIfAbsent": return map.computeIfAbsent(key(a[0]), (java.util.function.Function<Object, Object>) a[1]);
            case "putAll": {
                java.util.Map<Object, Object> all = (java.util.Map<Object, Object>) a[0];
                all.forEach((k, v) -> { key(k); value(v); });
                map.putAll(all);
                return null;
            }
            case "replace": return map.replace(key(a[0]), value(a[1]));
            case "containsKey": return map.containsKey(key(a[0]));
            case "merge": return map.merge(key(a[0]), value(a[1]), (BiFunction<Object, Object, Object>) a[2]);
            case "compute": return map.compute(key(a[0]), (BiFunction<Object, Object, Object>) a[1]);
            case "size": return map.size();
            case "clear": map.clear(); return null;
            case "snapshot": return new HashMap<>(map);
            default: throw SharedState.unknown("map", op);
        }
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
