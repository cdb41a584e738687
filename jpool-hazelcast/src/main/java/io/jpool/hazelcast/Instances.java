package io.jpool.hazelcast;

import com.hazelcast.client.impl.clientside.HazelcastClientProxy;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds this JVM's Hazelcast instance of a cluster, for shared-object proxies that were
 * serialized into a task and now run on a member (or were made from a client).
 */
final class Instances {
    /** Instances that made shared objects here, by cluster name: how a client is found. */
    private static final Map<String, HazelcastInstance> REGISTERED = new ConcurrentHashMap<>();

    private Instances() {
    }

    /** Remembers {@code hz} for its cluster and returns the cluster's name. */
    static String register(HazelcastInstance hz) {
        String cluster = clusterName(hz);
        REGISTERED.put(cluster, hz);
        return cluster;
    }

    private static String clusterName(HazelcastInstance hz) {
        if (hz instanceof HazelcastClientProxy) {
            return ((HazelcastClientProxy) hz).getClientConfig().getClusterName();
        }
        return hz.getConfig().getClusterName();
    }

    /** A running instance of {@code cluster} in this JVM. */
    static HazelcastInstance find(String cluster) {
        HazelcastInstance hz = REGISTERED.get(cluster);
        if (hz != null && hz.getLifecycleService().isRunning()) {
            return hz;
        }
        for (HazelcastInstance m : Hazelcast.getAllHazelcastInstances()) {
            if (m.getLifecycleService().isRunning() && cluster.equals(clusterName(m))) {
                return m;
            }
        }
        throw new IllegalStateException("no running Hazelcast member or client of cluster \"" + cluster
                + "\" in this JVM; use shared objects in tasks of a ClusterPool on that cluster, or make them with "
                + "ClusterObjects.of(instance)");
    }
}
