package io.jpool.internal.process;

/** Placeholder until the process pool lands (issue 3). */
public final class ProcessPoolImpl extends io.jpool.internal.pool.AbstractPool implements io.jpool.ProcessPool {
    @Override public java.util.List<Long> workerPids() { return null; }
    public ProcessPoolImpl(ProcessPoolConfig config) {
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
