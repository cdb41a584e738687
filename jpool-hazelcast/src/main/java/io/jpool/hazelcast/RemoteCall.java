package io.jpool.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import io.jpool.Task;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * What travels to a member for one task: the task, its id and the pool's start topic. On the
 * member it first announces "task {@code id} started" on that topic (so the caller's future
 * turns RUNNING), then runs the task. The announcement is asynchronous and may reach the caller
 * after the result, or not at all if the member dies; the caller's future accepts both. With
 * isolation, the member hands the task to its local process pool and waits for it there.
 */
final class RemoteCall<T> implements Callable<T>, Serializable, HazelcastInstanceAware {
    private static final long serialVersionUID = 1L;

    private final Task<T> task;
    private final String startTopic;
    private final long id;
    /** Worker processes per member to run the task in, or 0 to run it in the member's thread. */
    private final int isolation;
    private transient HazelcastInstance member;

    RemoteCall(Task<T> task, String startTopic, long id, int isolation) {
        this.task = task;
        this.startTopic = startTopic;
        this.id = id;
        this.isolation = isolation;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.member = instance;
    }

    @Override
    public T call() throws Exception {
        if (member != null) {
            member.<Long>getTopic(startTopic).publishAsync(id);
        }
        if (isolation > 0 && member != null) {
            return MemberProcessPools.run(member, isolation, task);
        }
        return task.call();
    }

    @Override
    public String toString() {
        return "task " + id + " (" + task + ")";
    }
}
