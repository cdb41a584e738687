package io.jpool.internal.process;

/**
 * Where a test may step into a worker's life in its {@link ProcessPoolImpl}: the pool calls
 * {@link #at} at each {@link Step}, on the thread that takes that step, and a test throws there
 * (an OutOfMemoryError, a StackOverflowError) to prove that no step can leave a worker counted
 * with no thread left to end it. Production pools use {@link #NONE}.
 */
interface LifecycleHook {
    /** Does nothing: every pool's hook until a test sets its own. */
    LifecycleHook NONE = (step, w) -> { };

    /** The steps, in the order a worker meets them. */
    enum Step {
        /** The launch thread: its process was started, before a {@link WorkerLink} exists (w is null). */
        SPAWNED,
        /** The launch thread: its process exists and counts among the pool's workers. */
        LAUNCHED,
        /** The launch thread: its start failed, before the pool counts it out. */
        START_FAILED,
        /** The launch thread: it connected, before the pool puts it to work. */
        WORKER_READY,
        /** Whichever thread writes its task frames: frames were taken from its outbox, before they are written. */
        SENDING,
        /** Whichever thread tells it to exit (the closing caller, its reader, its launch thread). */
        RETIRING,
        /** Its reader: its process ended, before the pool counts it out. */
        WORKER_EXITED,
        /** Its reader: it was counted out, before its tasks are re-queued or failed. */
        WORKER_COUNTED_OUT
    }

    /** Called at {@code step} of worker {@code w}'s life. */
    void at(Step step, WorkerLink w);
}
