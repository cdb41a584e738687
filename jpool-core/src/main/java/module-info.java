/**
 * jpool: Python-style thread and process pools for the JVM. The public API is the package
 * {@link io.jpool}; everything under {@code io.jpool.internal} is hidden from applications.
 *
 * <p>The qualified exports below serve jpool's own optional modules only (they carry these names
 * as {@code Automatic-Module-Name}); they are not an API and change without notice. On the class
 * path this descriptor is ignored and the same jar works as before.
 *
 * <p>Worker JVMs are always started on the class path: a module-path application's modules are put
 * on the workers' {@code -cp}, so its task classes need not be opened to this module (a serializable
 * lambda whose class is not opened travels by Java serialization instead of jpool's faster form).
 */
// Qualified exports name modules that are not present when this one is compiled on its own.
@SuppressWarnings("module")
module io.jpool {
    // DeadlockWatchdog, the adaptive sizer's CPU and thread-time readings
    requires java.management;
    // the Flight Recorder events (io.jpool.internal.jfr), used unguarded on every pool's paths
    requires jdk.jfr;

    exports io.jpool;

    // ClusterPool builds on the pool core and its future
    exports io.jpool.internal.pool to io.jpool.hazelcast;
    exports io.jpool.internal.future to io.jpool.hazelcast, io.jpool.jcstress;
    // the jcstress tests of the thread pool's queue, task and exit guard
    exports io.jpool.internal.thread to io.jpool.jcstress;
}
