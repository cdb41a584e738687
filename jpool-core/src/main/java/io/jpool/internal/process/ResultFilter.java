package io.jpool.internal.process;

import java.io.ObjectInputFilter;
import java.util.Set;

/**
 * The {@link ObjectInputFilter} under which the caller reads what workers send: limits on depth,
 * references and bytes always; with an allow-list, only the JDK's classes, jpool's and the listed
 * ones. A worker running untrusted code thus cannot hand the caller a gadget chain.
 */
final class ResultFilter {
    private ResultFilter() {
    }

    static ObjectInputFilter create(Set<String> allowed, long maxBytes) {
        StringBuilder pattern = new StringBuilder("maxdepth=100;maxrefs=10000000;maxarray=").append(Integer.MAX_VALUE - 8)
                .append(";maxbytes=").append(maxBytes + 65536);
        if (allowed != null) {
            pattern.append(";java.**;javax.**;io.jpool.*;io.jpool.internal.**");
            for (String p : allowed) {
                pattern.append(';').append(p);
            }
            pattern.append(";!*");
        }
        return ObjectInputFilter.Config.createFilter(pattern.toString());
    }
}
