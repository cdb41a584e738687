package io.jpool.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A Hazelcast cluster of members in this JVM on loopback, each on a free port and with a cluster
 * name of its own, so concurrent test runs on one machine never join each other.
 */
final class LoopbackCluster implements AutoCloseable {
    final String name = "jpool-test-" + UUID.randomUUID();
    final List<HazelcastInstance> members = new ArrayList<>();
    final List<String> addresses = new ArrayList<>();

    /** Starts {@code n} members whose "jpool" executor runs {@code threads} tasks at once each. */
    static LoopbackCluster start(int n, int threads) {
        LoopbackCluster c = new LoopbackCluster();
        for (int i = 0; i < n; i++) {
            c.addresses.add("127.0.0.1:" + freePort());
        }
        try {
            for (int i = 0; i < n; i++) {
                c.members.add(c.startMember(i, threads));
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    HazelcastInstance startMember(int i, int threads) {
        int port = Integer.parseInt(addresses.get(i).substring(addresses.get(i).indexOf(':') + 1));
        Config cfg = HazelcastConfigs.member(name, "127.0.0.1", port, addresses);
        cfg.getNetworkConfig().setPortAutoIncrement(false);
        cfg.setInstanceName("m" + i + "-" + name.substring(name.length() - 6));
        cfg.getExecutorConfig("jpool").setPoolSize(threads);
        return Hazelcast.newHazelcastInstance(cfg);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on loopback", e);
        }
    }

    @Override
    public void close() {
        for (HazelcastInstance m : members) {
            m.getLifecycleService().terminate();
        }
    }
}
