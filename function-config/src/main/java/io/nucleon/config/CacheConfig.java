package io.nucleon.config;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code spec.cache} section: bounds of the context cache that the workers of one processor share.
 * Exactly one bound applies: {@code maxEntries} or {@code maxWeightBytes}.
 *
 * @param maxEntries the most entries; empty when {@code maxWeightBytes} bounds the cache instead
 * @param maxWeightBytes the most estimated bytes of values; empty when bounded by entries
 * @param ttl how long an entry lives after it was written, unless put with a TTL of its own; empty: until evicted
 * @param node the section, for error messages about it (an empty mapping when omitted)
 */
public record CacheConfig(
        OptionalLong maxEntries, OptionalLong maxWeightBytes, Optional<Duration> ttl, ConfigNode node) {

    /** Default of {@code maxEntries}: {@value}. */
    public static final long DEFAULT_MAX_ENTRIES = 10_000;

    /** Largest allowed {@code maxEntries}: {@value}. */
    public static final long MAX_ENTRIES = 100_000_000;

    public CacheConfig {
        if (maxEntries.isPresent() == maxWeightBytes.isPresent()) {
            throw new IllegalArgumentException("exactly one of maxEntries and maxWeightBytes must be set");
        }
    }
}
