package io.jpool.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.partition.Partition;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import com.hazelcast.topic.ITopic;
import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.jpool.Task;
import io.jpool.TaskTimeoutException;
import io.jpool.WorkerDiedException;
import io.jpool.internal.pool.AbstractPool;
import io.jpool.internal.pool.TaskCounters;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a {@link ClusterPool} works.
 *
 * <p>Each task becomes a {@link ClusterFuture} kept in {@link #live} by id, and a
 * {@link RemoteCall} sent with {@code IExecutorService.submitToMember} to a member chosen here
 * (round-robin, or the owner of the task's key); or, when {@link Outbox#MAX_OPS} operations are
 * already in flight to that member, it waits in the member's {@link Outbox} and goes with the
 * others waiting there in one {@link BatchCall} (see {@link Outbox}). A batched task is cancelled
 * or interrupted on its own through {@link TaskControl}, since Hazelcast's cancel would stop the
 * whole batch; every other step below (start signals, time limits, re-runs) is the same for it. Choosing the member ourselves, rather than
 * Hazelcast's {@code submit}, matters: Hazelcast silently re-runs a plain submit when its member
 * dies, while {@code submitToMember} fails with {@link MemberLeftException} (a client's with
 * {@link TargetDisconnectedException}), so the pool decides: fail the future with
 * {@link WorkerDiedException} or re-run the task on another member under {@code retries}. The
 * future ends once (one CAS), so a late or duplicate result is dropped. A first attempt on this
 * JVM's own member goes by one of its partitions instead ({@link LocalRoute}), so that the
 * submitting thread does not run the member's side of it; the call names its member and refuses
 * to run anywhere else, so Hazelcast's re-sending of partition operations cannot re-run it.
 *
 * <p>The member announces each start on a topic of this pool; the listener moves the future
 * PENDING -> RUNNING and arms its time limit. The result may come first: it then starts and
 * completes the future itself. An {@link InFlightBound} bounds the tasks in flight (Hazelcast's
 * executor queue is unbounded). One helper thread runs time limits, re-runs, and forwards the
 * stops of running tasks (each a blocking round trip in Hazelcast) off the caller's and
 * Hazelcast's threads; a {@code cancel()} of a PENDING task waits for its member's answer
 * instead, so that a task still queued there never runs.
 */
final class ClusterPoolImpl extends AbstractPool implements ClusterPool {
    private static final System.Logger LOG = System.getLogger("io.jpool.hazelcast");
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** Re-sends of a task whose member had left before it arrived; bounds a stale member list. */
    private static final int MAX_MISROUTES = 3;
    /** How long a cancel of a batched task waits for its member's answer. */
    private static final long CONTROL_WAIT_SECONDS = 30;

    private final HazelcastInstance hz;
    private final boolean owned;
    private final IExecutorService executor;
    private final UUID poolId = UUID.randomUUID();
    private final String startTopic = StartSignals.topic(poolId);
    /** How tasks reach this JVM's member, or null on a client or lite member. */
    private final LocalRoute localRoute;
    private final UUID startListener;
    private final UUID membershipListener;
    private final int retries;
    private final Duration defaultTimeout;
    private final int maxInFlight;
    private final int isolation;
    private final InFlightBound inFlight;
    private final ConcurrentHashMap<Long, ClusterFuture<?>> live = new ConcurrentHashMap<>();
    /** Per member (by uuid): operations in flight and tasks waiting to be batched. */
    private final ConcurrentHashMap<UUID, Outbox> outboxes = new ConcurrentHashMap<>();
    /** Where batched tasks are cancelled ({@link TaskControl}). */
    private final IExecutorService control;
    /** Serializes a task that waits to be batched, and reads batch outcomes; null if the instance has none. */
    private final SerializationService serialization;
    private final AtomicLong ids = new AtomicLong();
    /** Attempts that reached a member other than the one chosen (see {@link LocalRoute}). */
    private final AtomicLong misrouted = new AtomicLong();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final TaskCounters counters = new TaskCounters();
    private final ScheduledThreadPoolExecutor helper;
    /** Sends the batches that Hazelcast's threads, which may not make remote calls, find waiting. */
    private final ThreadPoolExecutor sender;
    private final AtomicBoolean finishing = new AtomicBoolean();
    private volatile Member[] members;
    private volatile boolean shutdown;

    private ClusterPoolImpl(HazelcastInstance hz, boolean owned, ClusterPool.Builder b) {
        this.hz = hz;
        this.owned = owned;
        this.retries = b.retries;
        this.defaultTimeout = b.taskTimeout;
        this.maxInFlight = b.maxInFlight;
        this.isolation = b.isolation;
        this.inFlight = new InFlightBound(b.maxInFlight);
        this.executor = hz.getExecutorService(b.executorName);
        this.control = hz.getExecutorService(TaskControl.EXECUTOR);
        this.serialization = hz instanceof SerializationServiceSupport
                ? ((SerializationServiceSupport) hz).getSerializationService() : null;
        int n = POOLS.incrementAndGet();
        this.helper = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jpool-cluster-" + n + "-helper");
            t.setDaemon(true);
            return t;
        });
        helper.setRemoveOnCancelPolicy(true);
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "jpool-cluster-" + n + "-sender");
            t.setDaemon(true);
            return t;
        });
        this.localRoute = LocalRoute.of(hz);
        ITopic<Long> topic = hz.getTopic(startTopic);
        this.startListener = topic.addMessageListener(m -> started(m.getMessageObject()));
        this.membershipListener = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                refreshMembers();
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                refreshMembers();
            }
        });
        refreshMembers();
    }

    static ClusterPool start(ClusterPool.Builder b) {
        switch (b.mode) {
            case INSTANCE:
                return new ClusterPoolImpl(b.instance, false, b);
            case CLIENT: {
                ClientConfig c = HazelcastConfigs.client(b.clusterName, b.addresses);
                HazelcastConfigs.allow(c.getSerializationConfig(), b.allowedClasses);
                return startOwned(HazelcastClient.newHazelcastClient(c), b);
            }
            default: {
                Config c = HazelcastConfigs.member(b.clusterName, b.bindAddress, b.port, b.addresses);
                HazelcastConfigs.allow(c.getSerializationConfig(), b.allowedClasses);
                return startOwned(Hazelcast.newHazelcastInstance(c), b);
            }
        }
    }

    private static ClusterPool startOwned(HazelcastInstance hz, ClusterPool.Builder b) {
        try {
            return new ClusterPoolImpl(hz, true, b);
        } catch (RuntimeException | Error e) {
            hz.shutdown();
            throw e;
        }
    }

    private void refreshMembers() {
        if (localRoute != null) {
            localRoute.invalidate(); // partitions move when members come and go
        }
        Member[] ms = hz.getCluster().getMembers().stream().filter(m -> !m.isLiteMember()).toArray(Member[]::new);
        members = ms;
        // A gone member's outbox is dropped; its operations in flight still drain it as they fail.
        outboxes.keySet().removeIf(u -> java.util.Arrays.stream(ms).noneMatch(m -> m.getUuid().equals(u)));
    }

    /** For tests: how tasks reach this JVM's member, or null. */
    LocalRoute localRoute() {
        return localRoute;
    }

    /** For tests: attempts that reached a member other than the one chosen, and were sent again. */
    long misrouted() {
        return misrouted.get();
    }

    @Override
    public HazelcastInstance hazelcast() {
        return hz;
    }

    // ---------------------------------------------------------------- submit

    @Override
    public <T> PoolFuture<T> submit(Task<T> task, Duration timeout) {
        return submit(task, timeout, null);
    }

    @Override
    public <T> PoolFuture<T> submit(Task<T> task, Object key) {
        Objects.requireNonNull(key, "key is null: use submit(task) for round-robin placement");
        return submit(task, null, key);
    }

    private <T> PoolFuture<T> submit(Task<T> task, Duration timeout, Object key) {
        checkSubmit(task, timeout);
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for one of the pool's "
                    + maxInFlight + " in-flight slots");
        }
        ClusterFuture<T> f = new ClusterFuture<>(this, ids.incrementAndGet(), task,
                timeout != null ? timeout : defaultTimeout, key);
        live.put(f.id, f); // before it is sent: its start signal looks it up here
        if (shutdown) {
            // Raced a shutdown that may already have seen the pool empty: take the task back.
            withdraw(f);
            throw new RejectedExecutionException("the cluster pool is shut down; submit before shutdown");
        }
        try {
            dispatch(f, null);
        } catch (HazelcastSerializationException e) {
            withdraw(f);
            throw new IllegalArgumentException("task " + task + " cannot be serialized for a cluster member ("
                    + e.getMessage() + "); a cluster task must be Serializable (a jpool Task lambda is) and "
                    + "capture only serializable values", e);
        }
        // Counted once sent (a task refused above was never submitted); a result may be counted a
        // moment earlier, which a stats() snapshot taken in between shows.
        counters.submitted();
        return f;
    }

    /** Takes back a task that was never sent. */
    private void withdraw(ClusterFuture<?> f) {
        live.remove(f.id);
        inFlight.release();
        finishIfIdle();
    }

    /**
     * Sends the task's next attempt to a member; {@code avoid} is a member that just failed it.
     * Alone at once if the member's {@link Outbox} has an operation free and nothing queued;
     * queued otherwise, to go with others in the next batch to that member.
     */
    private <T> void dispatch(ClusterFuture<T> f, Member avoid) {
        Member m = f.key != null ? ownerOf(f.key) : null;
        if (m == null || m.equals(avoid)) {
            m = nextMember(avoid);
        }
        if (m == null) {
            f.fail(new WorkerDiedException("no cluster member is left to run " + f.task
                    + "; start members (ClusterMember) and submit again"));
            return;
        }
        int attempt = ++f.attempts;
        f.member = m;
        if (serialization == null) {
            sendAlone(f, attempt, m, null); // no batching without Hazelcast's serialization service
            return;
        }
        Member target = m;
        Outbox o = outboxes.computeIfAbsent(m.getUuid(), u -> new Outbox(target));
        if (o.nothingQueued() && o.tryOp()) {
            sendAlone(f, attempt, m, o);
            return;
        }
        if (f.wire == null) {
            try {
                // Serialized now, in the submitting thread: a task that cannot be is refused by submit().
                f.wire = serialization.toData(wireForm(f.task));
            } catch (HazelcastSerializationException e) {
                if (attempt == 1) {
                    throw e;
                }
                f.fail(e);
                return;
            }
        }
        o.add(f);
        pump(o);
    }

    /** Sends one task in an operation of its own ({@code o}'s, already taken, or none). */
    private <T> void sendAlone(ClusterFuture<T> f, int attempt, Member m, Outbox o) {
        f.batched = false;
        Future<T> remote;
        try {
            remote = submitTo(new RemoteCall<>(wireForm(f.task), poolId, f.id, m.getUuid(), isolation), m, attempt == 1);
        } catch (HazelcastSerializationException e) {
            opDone(o);
            if (attempt == 1) {
                throw e; // submit() refuses the task
            }
            f.fail(e);
            return;
        } catch (RuntimeException e) {
            opDone(o);
            answered(f, attempt, null, e);
            return;
        }
        f.remote = remote;
        if (f.isDone()) {
            cancelRemote(f); // cancelled while we sent it: the cancel may have missed `remote`
        }
        onCompletion(f, attempt, remote, o);
    }

    /**
     * Sends {@code call} to member {@code m}: by a partition key it owns when this JVM reaches it
     * that way ({@link LocalRoute}), else to the member. Only a first attempt goes by partition:
     * one that was misrouted or re-run goes by member.
     */
    private <R> Future<R> submitTo(Callable<R> call, Member m, boolean firstAttempt) {
        Integer localKey = firstAttempt && localRoute != null && localRoute.reaches(m) ? localRoute.key() : null;
        return localKey != null ? executor.submitToKeyOwner(call, localKey) : executor.submitToMember(call, m);
    }

    /**
     * Frees an operation of {@code o} (if any) and sends what waits there: from this thread, or
     * from the sender thread if this is one of Hazelcast's, which may not make remote calls.
     */
    private void opDone(Outbox o) {
        if (o == null) {
            return;
        }
        o.opDone();
        if (o.nothingQueued()) {
            return;
        }
        if (!Thread.currentThread().getName().startsWith("hz.")) {
            pump(o);
        } else if (o.claimPump()) {
            try {
                sender.execute(() -> {
                    o.pumpClaimed();
                    pump(o);
                });
            } catch (RejectedExecutionException e) {
                o.pumpClaimed(); // the pool has finished: nothing is left to send
            }
        }
    }

    /** While tasks wait in {@code o} and an operation is free, sends them in batches. */
    private void pump(Outbox o) {
        while (!o.nothingQueued() && o.tryOp()) {
            List<ClusterFuture<?>> batch = o.take();
            if (batch.isEmpty()) {
                o.opDone();
            } else {
                sendBatch(o, batch);
            }
        }
    }

    /** Sends {@code fs}, all queued for {@code o}'s member, in one operation (already taken). */
    private void sendBatch(Outbox o, List<ClusterFuture<?>> fs) {
        int n = fs.size();
        long[] ids = new long[n];
        Data[] tasks = new Data[n];
        int[] attempts = new int[n];
        boolean first = true;
        for (int i = 0; i < n; i++) {
            ClusterFuture<?> f = fs.get(i);
            ids[i] = f.id;
            tasks[i] = f.wire;
            attempts[i] = f.attempts;
            first &= attempts[i] == 1;
            f.remote = null;
            f.batched = true; // before sending: a cancel from now on goes through TaskControl
        }
        Member m = o.member;
        Future<BatchOutcome> remote;
        try {
            remote = submitTo(new BatchCall(poolId, m.getUuid(), isolation, ids, tasks), m, first);
        } catch (RuntimeException e) {
            o.opDone(); // the pump loop that called us sends what is left
            for (int i = 0; i < n; i++) {
                answered(fs.get(i), attempts[i], null, e);
            }
            return;
        }
        for (ClusterFuture<?> f : fs) {
            if (f.isDone()) {
                cancelRemote(f); // cancelled while we sent it: its cancel may have found nothing to stop
            }
        }
        if (!(remote instanceof CompletionStage)) {
            throw new IllegalStateException("this Hazelcast version's executor returned a "
                    + remote.getClass().getName() + ", not a CompletionStage; use the Hazelcast version "
                    + "jpool-hazelcast is built with");
        }
        // Inline on the thread that completes it, as for a lone task (see onCompletion).
        ((CompletionStage<BatchOutcome>) remote).handleAsync((out, error) -> {
            batchAnswered(o, fs, attempts, out, error);
            opDone(o);
            return null;
        }, Runnable::run);
    }

    /**
     * Ends each task of a batch with its own outcome (queues again one handed back unrun), or
     * handles the batch's failure task by task.
     */
    @SuppressWarnings("unchecked")
    private void batchAnswered(Outbox o, List<ClusterFuture<?>> fs, int[] attempts, BatchOutcome out, Throwable error) {
        if (out != null) {
            o.observed(out.meanRunNanos());
        }
        for (int i = 0; i < fs.size(); i++) {
            ClusterFuture<Object> f = (ClusterFuture<Object>) fs.get(i);
            if (error != null) {
                answered(f, attempts[i], null, error); // re-sends it elsewhere, retries or fails it
                continue;
            }
            byte kind = out.kind(i);
            if (kind == BatchOutcome.NOT_RUN) {
                o.add(f); // handed back unbegun: the caller's opDone sends it again
                continue;
            }
            f.wire = null;
            if (kind == BatchOutcome.CANCELLED) {
                f.batched = false; // the member dropped it already: nothing more to send there
                f.cancel(false);
                continue;
            }
            Object payload;
            try {
                payload = out.payload(i, serialization);
            } catch (RuntimeException e) {
                f.tryStart();
                f.fail(e);
                continue;
            }
            if (kind == BatchOutcome.VALUE) {
                answered(f, attempts[i], payload, null);
            } else {
                f.tryStart();
                f.fail((Throwable) payload);
            }
        }
    }

    /**
     * What to send for {@code task}: a serializable JDK {@code Callable} the pool adapted travels
     * bare (the adapter would cost a second class description each way); the task itself
     * otherwise, and always when members run tasks in process pools, which take only tasks.
     */
    @SuppressWarnings("unchecked")
    private <T> Callable<T> wireForm(Task<T> task) {
        Object adapted = isolation == 0 ? AbstractPool.adaptedFrom(task) : null;
        return adapted instanceof Callable && adapted instanceof Serializable ? (Callable<T>) adapted : task;
    }

    /**
     * Calls {@link #answered} when Hazelcast's future completes, inline on the thread that
     * completes it (Hazelcast's futures are {@link CompletionStage}s), so that no continuation of
     * ours depends on the common pool. Hazelcast's default async executor, which its stages use
     * when given none, starts a new thread per continuation where the common pool's parallelism
     * is 1 (fewer than 3 CPUs). Hence {@code handleAsync} with a caller-runs executor: Hazelcast's
     * future passes it straight to the invocation it wraps and returns a plain stage. Not
     * {@code whenComplete} nor {@code whenCompleteAsync}, with or without an executor: those wrap
     * their result in another of Hazelcast's delegating futures, whose constructor listens to it
     * on the default async executor, one more thread per task. The stage deserializes the value
     * first and passes a value it cannot deserialize as the error.
     */
    @SuppressWarnings("unchecked")
    private <T> void onCompletion(ClusterFuture<T> f, int attempt, Future<T> remote, Outbox o) {
        if (!(remote instanceof CompletionStage)) {
            opDone(o);
            f.fail(new IllegalStateException("this Hazelcast version's executor returned a "
                    + remote.getClass().getName() + ", not a CompletionStage, so the pool cannot follow the task; "
                    + "use the Hazelcast version jpool-hazelcast is built with"));
            return;
        }
        ((CompletionStage<T>) remote).handleAsync((value, error) -> {
            f.forget(remote);
            answered(f, attempt, value, error);
            opDone(o);
            return null;
        }, Runnable::run);
    }

    private Member ownerOf(Object key) {
        try {
            Partition p = hz.getPartitionService().getPartition(key);
            return p == null ? null : p.getOwner();
        } catch (RuntimeException e) {
            return null; // no owner known yet (partitions not assigned): fall back to round-robin
        }
    }

    private Member nextMember(Member avoid) {
        Member[] ms = members;
        if (ms.length == 0) {
            return null;
        }
        for (int i = 0; i < ms.length; i++) {
            Member m = ms[Math.floorMod(roundRobin.getAndIncrement(), ms.length)];
            if (!m.equals(avoid)) {
                return m;
            }
        }
        return ms[0];
    }

    /** The result or failure of one attempt, from Hazelcast. */
    private <T> void answered(ClusterFuture<T> f, int attempt, T value, Throwable error) {
        if (error == null) {
            f.tryStart(); // the start signal may come later, or never
            f.complete(value);
            return;
        }
        Throwable cause = unwrap(error);
        if (f.isDone() || attempt != f.attempts) {
            return; // cancelled, timed out, or a stale attempt already replaced
        }
        if (cause instanceof MisroutedTaskException && f.misroutes < MAX_MISROUTES && !shutdown) {
            // Delivered by a stale partition key to another member, which refused it: the member
            // chosen is fine, so send it there again, by member this time.
            misrouted.incrementAndGet();
            if (localRoute != null) {
                localRoute.invalidate();
            }
            f.misroutes++;
            redispatch(f, null);
            return;
        }
        boolean neverStarted = cause instanceof TargetNotMemberException
                || (memberGone(cause) && f.status() == PoolFuture.Status.PENDING);
        if (neverStarted && f.misroutes < MAX_MISROUTES && !shutdown) {
            // Sent to a member that had just left (our member list lags the cluster's), or lost
            // with a member before it started: a member reports a start as the task begins, long
            // before its death is detected, so a task with no start almost surely never ran and
            // sending it elsewhere is no retry.
            f.misroutes++;
            refreshMembers();
            redispatch(f, f.member);
            return;
        }
        if (memberGone(cause)) {
            Member m = f.member;
            if (f.retried < retries && !shutdown) {
                f.retried++;
                redispatch(f, f.member);
                return;
            }
            f.fail(new WorkerDiedException("cluster member " + address(m)
                    + " left or died while running " + f.task + " (run " + (f.retried + 1) + " of at most "
                    + (retries + 1) + "); raise retries(n) to re-run such tasks on another member", cause));
            return;
        }
        if (cause instanceof CancellationException) {
            f.cancel(true);
            return;
        }
        f.tryStart();
        f.fail(cause);
    }

    /** {@code host:port}, as members are given in join lists. */
    static String address(Member m) {
        return m == null ? "(unknown)" : m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    /** Sends the task again from the helper thread, to a member other than {@code avoid} if one is left. */
    private void redispatch(ClusterFuture<?> f, Member avoid) {
        helper.execute(() -> {
            if (!f.isDone()) {
                dispatch(f, avoid);
            }
        });
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean memberGone(Throwable t) {
        return t instanceof MemberLeftException || t instanceof TargetDisconnectedException
                || t instanceof TargetNotMemberException || t instanceof HazelcastInstanceNotActiveException;
    }

    /** The start signal of task {@code id} from its member. */
    private void started(Long id) {
        ClusterFuture<?> f = live.get(id);
        if (f != null && f.tryStart() && f.timeout != null) {
            f.timeoutCheck = helper.schedule(() -> {
                f.failRunningAndStop(new TaskTimeoutException("task " + f.task + " ran past its time limit of "
                        + f.timeout + " on member " + address(f.member) + " and was interrupted there"));
            }, f.timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    // ---------------------------------------------------------------- future ends

    /** Forwards a cancel (or a time limit's stop) to the task's member; Hazelcast interrupts it there. */
    void cancelRemote(ClusterFuture<?> f) {
        if ((f.remote == null && !f.batched) || helper.isShutdown()) {
            return;
        }
        try {
            helper.execute(() -> cancelRemoteNow(f));
        } catch (RejectedExecutionException e) {
            cancelRemoteNow(f); // the helper just stopped: the pool is closing, send it from here
        }
    }

    private void cancelRemoteNow(ClusterFuture<?> f) {
        if (f.batched) {
            controlNow(f);
            return;
        }
        Future<?> remote = f.remote;
        if (remote != null) {
            try {
                remote.cancel(true);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "cancelling " + f.task + " on its member failed", e);
            }
        }
    }

    /**
     * Cancels a batched task on its member and waits for the answer: one not started there never
     * will, a running one is interrupted. Hazelcast's own cancel would stop the whole batch.
     */
    private void controlNow(ClusterFuture<?> f) {
        Member m = f.member;
        if (m == null || !f.claimControl()) {
            return;
        }
        try {
            control.submitToMember(new TaskControl(poolId, f.id, true), m).get(CONTROL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The member left (its batch fails with it, and the future has ended) or is too busy to answer.
            LOG.log(System.Logger.Level.DEBUG, "cancelling " + f.task + " on its member failed", e);
        }
    }

    void ending(ClusterFuture<?> f, PoolFuture.Status status, boolean wasRunning) {
        counters.ended(status);
        if (status == PoolFuture.Status.CANCELLED && !wasRunning) {
            // Still queued on its member (or just starting there). The caller's cancel() waits for
            // the member's answer, so a task cancelled while queued never runs; a shutdown, or a
            // cancel from a Hazelcast thread (which must not block on its own cluster), sends it.
            if (shutdown || Thread.currentThread().getName().startsWith("hz.")) {
                cancelRemote(f);
            } else {
                cancelRemoteNow(f);
            }
        }
    }

    void ended(ClusterFuture<?> f) {
        java.util.concurrent.ScheduledFuture<?> check = f.timeoutCheck;
        if (check != null) {
            check.cancel(false);
            f.timeoutCheck = null;
        }
        if (live.remove(f.id) != null) {
            inFlight.release();
        }
        if (shutdown) {
            finishIfIdle();
        }
    }

    // ---------------------------------------------------------------- shutdown

    @Override
    protected int defaultMapBufferSize() {
        return Math.max(64, 16 * Math.max(1, members.length));
    }

    @Override
    public void shutdown(boolean wait, boolean cancelPending) {
        shutdown = true;
        if (cancelPending) {
            for (ClusterFuture<?> f : live.values()) {
                f.cancel(false);
            }
        }
        finishIfIdle();
        if (wait) {
            awaitTerminationUninterruptibly();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> neverStarted = new ArrayList<>();
        for (ClusterFuture<?> f : live.values()) {
            if (f.cancel(false)) {
                Task<?> t = f.task;
                neverStarted.add(() -> {
                    try {
                        t.call();
                    } catch (Exception e) {
                        throw new IllegalStateException("task " + t + " failed", e);
                    }
                });
            } else {
                f.cancel(true);
            }
        }
        finishIfIdle();
        return neverStarted;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    /** Once shut down with nothing in flight: stops the helper and an owned instance, then terminates. */
    private void finishIfIdle() {
        if (!shutdown || !live.isEmpty() || !finishing.compareAndSet(false, true)) {
            return;
        }
        // Not on a Hazelcast thread (it may be one finishing the last task): shutting an instance
        // down from its own threads can wait for itself.
        Thread t = new Thread(this::finish, "jpool-cluster-shutdown");
        t.start();
    }

    private void finish() {
        try {
            sender.shutdown();
            helper.shutdown();
            sender.awaitTermination(10, TimeUnit.SECONDS);
            helper.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (hz.getLifecycleService().isRunning()) {
                hz.getTopic(startTopic).removeMessageListener(startListener);
                hz.getCluster().removeMembershipListener(membershipListener);
                if (localRoute != null) {
                    localRoute.close();
                }
                hz.getTopic(startTopic).destroy();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "removing the cluster pool's listeners failed", e);
        }
        try {
            if (owned) {
                hz.shutdown();
            }
        } finally {
            terminate();
        }
    }

    @Override
    public PoolStats stats() {
        int running = 0;
        int pending = 0;
        for (ClusterFuture<?> f : live.values()) {
            if (f.isRunning()) {
                running++;
            } else if (!f.isDone()) {
                pending++;
            }
        }
        return new PoolStats(members.length, running, pending, counters.submittedCount(),
                counters.completedCount(), counters.failedCount(), counters.cancelledCount());
    }

    @Override
    public String toString() {
        return "ClusterPool[" + hz.getName() + ", members=" + members.length + ", in flight=" + live.size() + "]";
    }
}
