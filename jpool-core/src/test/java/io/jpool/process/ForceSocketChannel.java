package io.jpool.process;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts the pools a test builds on the Unix domain socket instead of named pipes (the fallback
 * where {@code mkfifo} cannot run), through the pool's internal switch, and back afterwards.
 */
final class ForceSocketChannel implements BeforeEachCallback, AfterEachCallback {
    private static final String SWITCH = "jpool.process.socketChannel";

    @Override
    public void beforeEach(ExtensionContext context) {
        System.setProperty(SWITCH, "true");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.clearProperty(SWITCH);
    }
}
