package io.jpool.internal.codec;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * In a worker: objects decoded from byte ranges seen before (stateless tasks, map functions), so
 * the same bytes are deserialized once. A small LRU keyed by the bytes themselves; a lookup reads
 * the range in place, and only a new entry keeps a copy.
 */
public final class DecodeCache {
    private static final int SIZE = 64;

    private final Map<Key, Object> entries = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Object> eldest) {
            return size() > SIZE;
        }
    };

    public Object get(byte[] b, int offset, int length) {
        return entries.get(new Key(b, offset, length));
    }

    public void put(byte[] b, int offset, int length, Object value) {
        entries.put(new Key(Arrays.copyOfRange(b, offset, offset + length), 0, length), value);
    }

    /** A byte range, compared by content. */
    private static final class Key {
        final byte[] bytes;
        final int from;
        final int to;
        final int hash;

        Key(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.from = offset;
            this.to = offset + length;
            int h = 1;
            for (int i = from; i < to; i++) {
                h = 31 * h + bytes[i];
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return k.hash == hash && Arrays.equals(bytes, from, to, k.bytes, k.from, k.to);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
