package io.jpool.internal.process;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * In a worker: objects decoded from byte ranges seen before (stateless tasks, map functions), so
 * the same bytes are deserialized once. A small LRU keyed by the bytes themselves.
 */
final class DecodeCache {
    private static final int SIZE = 64;

    private final Map<Key, Object> entries = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Object> eldest) {
            return size() > SIZE;
        }
    };

    Object get(byte[] b, int offset, int length) {
        return entries.get(new Key(Arrays.copyOfRange(b, offset, offset + length)));
    }

    void put(byte[] b, int offset, int length, Object value) {
        entries.put(new Key(Arrays.copyOfRange(b, offset, offset + length)), value);
    }

    private static final class Key {
        final byte[] bytes;
        final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).hash == hash && Arrays.equals(((Key) o).bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
