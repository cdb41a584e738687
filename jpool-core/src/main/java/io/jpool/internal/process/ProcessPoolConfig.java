package io.jpool.internal.process;

import io.jpool.RunnableTask;
import io.jpool.WorkerOutput;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A ProcessPool's settings, checked by {@link io.jpool.ProcessPool.Builder}.
 *
 * @param maxTasksPerWorker     0 for unlimited
 * @param taskTimeout           null for none
 * @param initializer           null for none
 * @param allowedResultClasses  null for no allow-list
 * @param classDataDirectory    where the class-data archives are; null for the user's cache directory
 * @param classDataSharing      whether workers use (and make) a class-data archive, see {@link WorkerArchive}
 * @param launcher              words put before the worker's {@code java} command (an OS sandbox or limits); empty for none
 * @param adaptive              null for a fixed maxWorkers; else maxWorkers is its max, see {@link ProcessSizing}
 */
public record ProcessPoolConfig(int maxWorkers, List<String> jvmOptions, String classpath, Path javaHome,
                                Map<String, String> environment, RunnableTask initializer,
                                int maxTasksPerWorker, Duration taskTimeout, int retries,
                                WorkerOutput workerOutput, Set<String> allowedResultClasses,
                                long maxResultBytes, Path classDataDirectory, boolean classDataSharing,
                                List<String> launcher, ProcessAdaptiveConfig adaptive) {

    /** A pool of fixed size: at most {@code maxWorkers}, started on demand and kept. */
    public ProcessPoolConfig(int maxWorkers, List<String> jvmOptions, String classpath, Path javaHome,
                             Map<String, String> environment, RunnableTask initializer,
                             int maxTasksPerWorker, Duration taskTimeout, int retries,
                             WorkerOutput workerOutput, Set<String> allowedResultClasses,
                             long maxResultBytes, Path classDataDirectory, boolean classDataSharing,
                             List<String> launcher) {
        this(maxWorkers, jvmOptions, classpath, javaHome, environment, initializer, maxTasksPerWorker, taskTimeout,
                retries, workerOutput, allowedResultClasses, maxResultBytes, classDataDirectory, classDataSharing,
                launcher, null);
    }
}
