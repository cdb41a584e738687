/**
 * jpool: Python-style thread and process pools for the JVM. The API is the package
 * {@link io.jpool}; an application on the module path {@code requires io.jpool;}.
 *
 * <p>A process pool's workers run on the class path. Unless the builder is given one, it holds
 * the jars and directories of the modules the application was started with, so task classes need
 * not be exported or opened to this module. A serializable lambda from a package not opened to
 * {@code io.jpool} travels by Java serialization rather than jpool's own encoding, which a new
 * worker reads sooner.
 */
// The qualified exports name jpool's own modules (their jars' Automatic-Module-Name); they are not
// an API. On the class path this descriptor is ignored. The targets are absent when this module is
// compiled on its own, which javac would warn about.
@SuppressWarnings("module")
module io.jpool {
    // DeadlockWatchdog, the adaptive sizer's CPU and thread-time readings
    requires java.management;
    // an adaptive process pool's free-memory reading where /proc is absent; it copes without
    requires static jdk.management;
    // the Flight Recorder events (io.jpool.internal.jfr), used unguarded on every pool's paths
    requires jdk.jfr;

    exports io.jpool;

    // ClusterPool builds on the pool core and its future
    exports io.jpool.internal.pool to io.jpool.hazelcast;
    exports io.jpool.internal.future to io.jpool.hazelcast, io.jpool.jcstress;
    // the jcstress tests of the thread pool's queue, task and exit guard
    exports io.jpool.internal.thread to io.jpool.jcstress;
}
