package io.jpool.internal.adaptive;

import io.jpool.AdaptiveStats;

import java.util.function.Consumer;

/**
 * An adaptive pool's settings, checked by the builder.
 *
 * @param min      fewest workers the controller asks for
 * @param max      most workers the controller asks for (also the pool's maxWorkers)
 * @param listener called on the controller's thread at every change of target; null for none
 */
public record AdaptiveConfig(int min, int max, Consumer<AdaptiveStats> listener) {
}
