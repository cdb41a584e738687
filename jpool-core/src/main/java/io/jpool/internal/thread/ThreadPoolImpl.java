package io.jpool.internal.thread;

/** Placeholder until the thread pool lands (issue 2). */
public final class ThreadPoolImpl extends io.jpool.internal.pool.AbstractPool implements io.jpool.ThreadPool {
    public ThreadPoolImpl(ThreadPoolConfig config) {
        throw new UnsupportedOperationException("not yet");
    }
    @Override protected int defaultMapBufferSize() { return 1; }
    @Override public <T> io.jpool.PoolFuture<T> submit(io.jpool.Task<T> task, java.time.Duration timeout) { throw new UnsupportedOperationException(); }
    @Override public void shutdown(boolean wait, boolean cancelPending) { }
    @Override public io.jpool.PoolStats stats() { return null; }
    @Override public java.util.List<Runnable> shutdownNow() { return null; }
    @Override public boolean isShutdown() { return false; }
    @Override public boolean isTerminated() { return false; }
    @Override public boolean awaitTermination(long t, java.util.concurrent.TimeUnit u) { return false; }
}
