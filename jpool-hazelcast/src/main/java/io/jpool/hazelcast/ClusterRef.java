package io.jpool.hazelcast;

import com.hazelcast.core.HazelcastInstance;

import java.io.Serializable;

/**
 * What every cluster shared-object proxy is: its cluster's and its own name, and this JVM's
 * instance of that cluster, found on first use (a proxy deserialized on a member finds that member).
 */
abstract class ClusterRef implements Serializable {
    private static final long serialVersionUID = 1L;

    final String cluster;
    final String name;
    private transient volatile HazelcastInstance hz;

    ClusterRef(String cluster, String name) {
        this.cluster = cluster;
        this.name = name;
    }

    final HazelcastInstance hz() {
        HazelcastInstance h = hz;
        if (h == null || !h.getLifecycleService().isRunning()) {
            h = Instances.find(cluster);
            hz = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + " on " + cluster + "]";
    }
}
