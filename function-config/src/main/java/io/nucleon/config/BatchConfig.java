package io.nucleon.config;

import java.time.Duration;

/**
 * A trigger's {@code batch} section: the trigger hands a {@code BatchFunction} up to {@code batchSize}
 * events per call, or fewer when {@code timeout} passes first.
 *
 * <pre>{@code
 * batch:
 *   batchSize: 64     # at most this many events per call
 *   timeout: 50ms     # or what arrived within this time after the first event
 * }</pre>
 *
 * Nuclio's {@code mode: enable|disable} is accepted too; {@code disable} is the same as no section.
 *
 * @param batchSize the most events per call, 1 to {@value #MAX_BATCH_SIZE}
 * @param timeout how long a batch waits to fill after its first event
 */
public record BatchConfig(int batchSize, Duration timeout) {

    /** Default of {@code batchSize}: {@value}. */
    public static final int DEFAULT_BATCH_SIZE = 100;

    /** Largest allowed {@code batchSize}: {@value}. */
    public static final int MAX_BATCH_SIZE = 10_000;

    /** Default of {@code timeout}: 100 ms. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
}
