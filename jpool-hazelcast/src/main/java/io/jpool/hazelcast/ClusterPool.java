package io.jpool.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import io.jpool.Pool;
import io.jpool.PoolFuture;
import io.jpool.Task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Pool} whose tasks run on the members of a Hazelcast cluster: code written against
 * {@code Pool} (submit, the lazy {@code map}, {@code Futures.asCompleted}, shutdown, stats) runs
 * unchanged on many machines.
 *
 * <ul>
 *   <li>Tasks and their results travel by Java serialization, so a task must be serializable and
 *       its classes present on every member (start members with {@link ClusterMember} and the
 *       application's class path). A task that cannot be serialized is rejected at submit.</li>
 *   <li>Placement: round-robin over the members; {@link #submit(Task, Object)} runs a task on the
 *       member that owns a key.</li>
 *   <li>A future is PENDING until its member reports the task started (a task still running one
 *       millisecond after it started is reported within the next millisecond; a shorter one goes
 *       straight to its result), RUNNING after. {@code cancel()}
 *       cancels a PENDING task and waits (one round trip) until its member has dropped it from its
 *       queue; {@code cancel(true)} also interrupts a running one on its member. A task cancelled
 *       in its first milliseconds (before its start is reported) may thus have begun on its member;
 *       it is then interrupted there.</li>
 *   <li>A member that leaves or dies fails only its tasks with {@link io.jpool.WorkerDiedException}
 *       naming the member, or re-runs them on another member under {@link Builder#retries retries}.
 *       A future ends exactly once, so no result reaches the caller twice; a task re-run after its
 *       member died may have run partly (or, if the member died just after it, wholly) there. A
 *       task lost with a member before it started (no start reported) is sent to another member
 *       without counting as a retry.</li>
 *   <li>A future is completed, and its done-callbacks run, on a Hazelcast response thread: keep
 *       callbacks short and never block in them (hand blocking work to another executor).</li>
 *   <li>With {@link Builder#isolateInProcesses isolateInProcesses}, each member runs the tasks in
 *       worker JVMs of a local {@link io.jpool.ProcessPool}: a crash costs a worker, not a member.</li>
 *   <li>Tasks that queue for a busy member (more than 16 Hazelcast operations in flight to it) go to
 *       it together, in one operation, each with its own future, start, cancel, interrupt and
 *       time limit; a task submitted while nothing waits goes alone at once.</li>
 *   <li>At most {@link Builder#maxInFlight maxInFlight} tasks are in flight; submit blocks beyond
 *       that (Hazelcast's own executor queue is unbounded), so any map runs in bounded memory.</li>
 * </ul>
 */
public interface ClusterPool extends Pool {

    /**
     * Submits a task to the member that owns {@code key} (Hazelcast's partitioning), so it runs
     * where that key's data lives. Pass a {@code Task}-typed value: a bare lambda with a key can
     * also match {@code submit(Runnable, result)}, and javac then calls the call ambiguous.
     */
    <T> PoolFuture<T> submit(Task<T> task, Object key);

    /** The Hazelcast instance (member or client) this pool submits through. */
    HazelcastInstance hazelcast();

    /** A builder: {@link Builder#embedded() embedded} member on loopback unless told otherwise. */
    static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ClusterPool}; every setter checks its argument at once. */
    final class Builder {
        enum Mode { EMBEDDED, INSTANCE, CLIENT }

        Mode mode = Mode.EMBEDDED;
        HazelcastInstance instance;
        List<String> addresses = new ArrayList<>();
        String clusterName = "jpool";
        String bindAddress = "127.0.0.1";
        int port = 5701;
        int retries;
        int maxInFlight = 1024;
        Duration taskTimeout;
        String executorName = "jpool";
        int isolation;
        List<String> allowedClasses = List.of();

        Builder() {
        }

        /** Starts a Hazelcast member in this JVM (the default); it joins {@link #join join} addresses. */
        public Builder embedded() {
            this.mode = Mode.EMBEDDED;
            this.instance = null;
            return this;
        }

        /** Uses an existing member or client; the pool does not shut it down on close. */
        public Builder hazelcast(HazelcastInstance instance) {
            this.instance = Objects.requireNonNull(instance, "instance is null: pass a running HazelcastInstance");
            this.mode = Mode.INSTANCE;
            return this;
        }

        /** Connects as a client (no data, no tasks run here) to members at {@code host:port} addresses. */
        public Builder client(String... addresses) {
            this.addresses = checkAddresses(addresses);
            this.mode = Mode.CLIENT;
            this.instance = null;
            return this;
        }

        /** For {@link #embedded()}: the {@code host:port} addresses of members to join (TCP-IP join). */
        public Builder join(String... addresses) {
            this.addresses = checkAddresses(addresses);
            return this;
        }

        /** The cluster's name; members and clients of other names are refused. Default {@code "jpool"}. */
        public Builder clusterName(String clusterName) {
            Objects.requireNonNull(clusterName, "clusterName is null");
            if (clusterName.isBlank()) {
                throw new IllegalArgumentException("clusterName is blank: give a name shared by all members, such as \"jpool\"");
            }
            this.clusterName = clusterName;
            return this;
        }

        /**
         * For {@link #embedded()}: the address the member binds to and announces. Default
         * {@code 127.0.0.1} (loopback: reachable from this machine only).
         */
        public Builder bindAddress(String host) {
            Objects.requireNonNull(host, "bindAddress is null");
            if (host.isBlank()) {
                throw new IllegalArgumentException("bindAddress is blank: give an address of this machine, such as 127.0.0.1");
            }
            this.bindAddress = host;
            return this;
        }

        /** For {@link #embedded()}: the first port tried (the next free one is taken). Default 5701. */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be in 1..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** How often a task whose member left or died is re-run on another member. Default 0. */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be at least 0, got " + retries);
            }
            this.retries = retries;
            return this;
        }

        /** The most tasks submitted and not yet ended; submit blocks beyond it. Default 1024. */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** The default per-task time limit, counted from the task's start; {@code null} for none. */
        public Builder taskTimeout(Duration timeout) {
            if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
                throw new IllegalArgumentException("taskTimeout must be positive or null (no limit), got " + timeout);
            }
            this.taskTimeout = timeout;
            return this;
        }

        /** The name of the Hazelcast executor the tasks run on. Default {@code "jpool"}. */
        public Builder executorName(String name) {
            Objects.requireNonNull(name, "executorName is null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("executorName is blank: give a name such as \"jpool\"");
            }
            this.executorName = name;
            return this;
        }

        /**
         * Runs each task on its member inside a local {@link io.jpool.ProcessPool} of
         * {@code workersPerMember} worker JVMs (started on the member's first such task, closed with
         * the member), so a task that crashes, leaks or hangs costs a worker, not the member. Its
         * future then fails as a process pool's would, for instance with
         * {@link io.jpool.WorkerDiedException}. The default (not set) runs tasks in the member's threads.
         */
        public Builder isolateInProcesses(int workersPerMember) {
            if (workersPerMember < 1) {
                throw new IllegalArgumentException("workersPerMember must be at least 1, got " + workersPerMember);
            }
            this.isolation = workersPerMember;
            return this;
        }

        /**
         * For {@link #embedded()} and {@link #client client(...)}: only classes whose names start
         * with these prefixes (such as {@code "com.example.app."}), besides the JDK's, Hazelcast's
         * and jpool's, may be deserialized by the pool's own member or client: tasks it runs,
         * results and exceptions it receives. Hazelcast's own deny-list of known gadget classes
         * applies too. For {@link #hazelcast(HazelcastInstance)}, configure that instance's
         * {@code JavaSerializationFilterConfig}. Default: no allow-list.
         */
        public Builder allowedClasses(String... prefixes) {
            Objects.requireNonNull(prefixes, "prefixes is null");
            List<String> out = new ArrayList<>();
            for (String p : prefixes) {
                if (p == null || p.isBlank()) {
                    throw new IllegalArgumentException("a class prefix is null or blank: give a package prefix "
                            + "such as \"com.example.app.\"");
                }
                out.add(p.trim());
            }
            this.allowedClasses = List.copyOf(out);
            return this;
        }

        /** Starts (or connects) and returns the pool. */
        public ClusterPool build() {
            return ClusterPoolImpl.start(this);
        }

        private static List<String> checkAddresses(String... addresses) {
            Objects.requireNonNull(addresses, "addresses is null");
            List<String> out = new ArrayList<>();
            for (String a : addresses) {
                if (a == null || a.isBlank()) {
                    throw new IllegalArgumentException("an address is null or blank: give host:port, such as 127.0.0.1:5701");
                }
                out.add(a.trim());
            }
            return out;
        }
    }
}
