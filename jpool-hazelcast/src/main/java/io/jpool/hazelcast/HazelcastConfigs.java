package io.jpool.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;

import java.util.List;

/**
 * The Hazelcast configurations jpool starts members and clients with: one named cluster, bound
 * to one address (loopback by default), members found by an explicit TCP-IP list only (no
 * multicast, no cloud auto-detection), and no phone-home, so nothing reaches the network unasked.
 */
final class HazelcastConfigs {
    private HazelcastConfigs() {
    }

    /** A member config: binds {@code bind}, from {@code port} upward, joining {@code members}. */
    static Config member(String clusterName, String bind, int port, List<String> members) {
        Config c = new Config();
        c.setClusterName(clusterName);
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.logging.type", "jdk");
        // A dead member's tasks should fail fast, not after the 60 s default heartbeat timeout.
        c.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(port).setPortAutoIncrement(true).setPortCount(100);
        net.setPublicAddress(null);
        net.getInterfaces().setEnabled(true).addInterface(bind);
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        if (members.isEmpty()) {
            join.getTcpIpConfig().addMember(bind);
        } else {
            members.forEach(join.getTcpIpConfig()::addMember);
        }
        return c;
    }

    /**
     * Restricts Java deserialization to the JDK's, Hazelcast's, jpool's and {@code prefixes}'
     * classes (Hazelcast's defaults, including its deny-list, stay on); no-op without prefixes.
     */
    static void allow(SerializationConfig config, List<String> prefixes) {
        if (prefixes.isEmpty()) {
            return;
        }
        ClassFilter allowed = new ClassFilter().addPrefixes("io.jpool.");
        allowed.addPrefixes(prefixes.toArray(new String[0]));
        config.setJavaSerializationFilterConfig(new JavaSerializationFilterConfig().setWhitelist(allowed));
    }

    /** A client config connecting to {@code members} of {@code clusterName}. */
    static ClientConfig client(String clusterName, List<String> members) {
        ClientConfig c = new ClientConfig();
        c.setClusterName(clusterName);
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "jdk");
        c.getNetworkConfig().setAddresses(members.isEmpty() ? List.of("127.0.0.1:5701") : members);
        c.getNetworkConfig().getAutoDetectionConfig().setEnabled(false);
        return c;
    }
}
