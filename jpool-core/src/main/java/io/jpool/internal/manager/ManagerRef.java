package io.jpool.internal.manager;

import java.io.Serializable;

/**
 * What a proxy carries to find its manager from any JVM: the manager's id, the path of its Unix
 * domain socket and the secret token that authenticates a connection. It travels only inside
 * proxies, over jpool's private channels.
 */
record ManagerRef(String id, String socketPath, byte[] token) implements Serializable {
}
