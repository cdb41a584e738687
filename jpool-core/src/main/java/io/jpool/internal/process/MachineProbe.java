package io.jpool.internal.process;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an adaptive process pool reads of the machine: available memory, a worker's resident
 * memory, how crowded the CPUs are. {@link #system()} reads Linux's {@code /proc} where it exists and the
 * JDK's {@link com.sun.management.OperatingSystemMXBean} elsewhere (and, for memory, the smaller
 * of both: the bean knows a container's limit, {@code MemAvailable} the page cache that can be
 * dropped). Tests inject a fake one.
 */
interface MachineProbe {

    /** Bytes the machine can give a new process now without swapping; -1 if unknown. */
    long availableBytes();

    /** Resident memory of process {@code pid} in bytes; -1 if unknown (no /proc, gone). */
    long rssBytes(long pid);

    /** Runnable threads per CPU now (the load average over CPUs), at least 1; NaN if unknown. */
    double cpuContention();

    /** This machine's readings. */
    static MachineProbe system() {
        return SystemProbe.INSTANCE;
    }

    /** Reads {@code /proc} where it can, else the operating system bean. */
    final class SystemProbe implements MachineProbe {
        static final SystemProbe INSTANCE = new SystemProbe();
        private static final Path MEMINFO = Path.of("/proc/meminfo");
        private final com.sun.management.OperatingSystemMXBean bean;

        private SystemProbe() {
            com.sun.management.OperatingSystemMXBean found;
            try {
                java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
                found = os instanceof com.sun.management.OperatingSystemMXBean
                        ? (com.sun.management.OperatingSystemMXBean) os : null;
            } catch (LinkageError noJdkManagement) { // a runtime or module graph without jdk.management
                found = null;
            }
            bean = found;
        }

        @Override
        public long availableBytes() {
            long proc = kiloBytesField(MEMINFO, "MemAvailable:");
            long fromBean = bean == null ? -1 : bean.getFreeMemorySize();
            if (proc < 0) {
                return fromBean;
            }
            return fromBean < 0 ? proc : Math.min(proc, fromBean);
        }

        @Override
        public long rssBytes(long pid) {
            return kiloBytesField(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
        }

        @Override
        public double cpuContention() {
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(); // negative where unknown
            return load < 0 ? Double.NaN : Math.max(1.0, load / Runtime.getRuntime().availableProcessors());
        }

        /** The value of a {@code "Name:   1234 kB"} line of a /proc file, in bytes; -1 if absent. */
        static long kiloBytesField(Path file, String name) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                    if (line.startsWith(name)) {
                        String[] words = line.substring(name.length()).trim().split("\\s+");
                        return Long.parseLong(words[0]) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or the process is gone: unknown
            }
            return -1;
        }
    }
}
