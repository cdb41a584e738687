/**
 * jpool's public API: {@link io.jpool.ThreadPool} and {@link io.jpool.ProcessPool} (both
 * {@link io.jpool.Pool}s, with Python-style {@link io.jpool.PoolFuture}s, a lazy
 * {@link io.jpool.Pool#map map}, {@link io.jpool.Futures#asCompleted asCompleted} and
 * {@link io.jpool.Futures#waitFor waitFor}), and the {@link io.jpool.Manager}'s shared objects
 * across processes. Everything under {@code io.jpool.internal} is implementation and may change
 * in any release.
 */
package io.jpool;
