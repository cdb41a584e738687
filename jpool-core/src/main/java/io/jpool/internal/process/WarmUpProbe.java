package io.jpool.internal.process;

import io.jpool.internal.codec.JdkCodec;
import io.jpool.internal.codec.Payloads;
import io.jpool.internal.process.worker.WorkerMain;

import java.util.HexFormat;

/**
 * The bytes of {@link WorkerMain#warmUpProbe()}, encoded once per caller JVM and handed to each
 * new worker in its handshake, so the worker's warm-up thread only decodes (see there for why it
 * must not encode).
 */
final class WarmUpProbe {
    private WarmUpProbe() {
    }

    /** The probe's encoding in hex, or "" if it could not be made (the worker then skips it). */
    static String hex() {
        return Holder.HEX;
    }

    /** Made on first use: the caller pays for it once, with its first task's encoding. */
    private static final class Holder {
        static final String HEX = make();

        private static String make() {
            try {
                return HexFormat.of().formatHex(Payloads.function(WorkerMain.warmUpProbe(), JdkCodec.INSTANCE));
            } catch (java.io.IOException | RuntimeException e) {
                return "";
            }
        }
    }
}
