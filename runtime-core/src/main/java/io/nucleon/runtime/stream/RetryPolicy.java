package io.nucleon.runtime.stream;

import io.nucleon.config.ConfigNode;
import java.time.Duration;
import java.util.List;

/**
 * How a stream trigger retries a record whose function failed: up to {@code maxAttempts} runs in all,
 * waiting {@code initialBackoff} after the first failure and doubling up to {@code maxBackoff}; then the
 * record goes to the dead-letter destination (or, without one, is retried at {@code maxBackoff} for as
 * long as it keeps failing).
 *
 * <pre>{@code
 * retry:
 *   maxAttempts: 5        # runs in all, counting the first
 *   initialBackoff: 200ms
 *   maxBackoff: 30s
 * }</pre>
 *
 * @param maxAttempts runs of the function per record before it is dead-lettered, at least 1
 * @param initialBackoffNanos the wait after the first failure
 * @param maxBackoffNanos the longest wait between two runs
 */
public record RetryPolicy(int maxAttempts, long initialBackoffNanos, long maxBackoffNanos) {

    /** Default of {@code maxAttempts}: {@value}. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** Default of {@code initialBackoff}: 100 ms. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);

    /** Default of {@code maxBackoff}: 10 s. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    private static final List<String> FIELDS = List.of("maxAttempts", "initialBackoff", "maxBackoff");

    /** @return the defaults: 3 attempts, 100 ms doubling up to 10 s */
    public static RetryPolicy defaults() {
        return new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF.toNanos(), DEFAULT_MAX_BACKOFF.toNanos());
    }

    /**
     * Reads a {@code retry} mapping.
     *
     * @param node the {@code retry} mapping
     * @return the policy, with defaults for what is left out
     * @throws io.nucleon.config.ConfigException naming the field when a value is invalid
     */
    public static RetryPolicy from(ConfigNode node) {
        node.rejectUnknown(FIELDS);
        int maxAttempts = node.integer("maxAttempts", DEFAULT_MAX_ATTEMPTS, 1, 1_000_000);
        Duration initial = node.duration("initialBackoff", DEFAULT_INITIAL_BACKOFF);
        Duration max = node.duration("maxBackoff", DEFAULT_MAX_BACKOFF);
        if (initial.isZero()) {
            // without a dead-letter destination a record that keeps failing would be retried in a busy loop
            throw node.required("initialBackoff").error("must be longer than 0");
        }
        if (max.compareTo(initial) < 0) {
            // Point at whichever of the two the file sets; the other may be a default.
            throw node.child("maxBackoff")
                    .orElseGet(() -> node.required("initialBackoff"))
                    .error("maxBackoff (" + max.toMillis() + "ms) must not be shorter than initialBackoff ("
                            + initial.toMillis() + "ms)");
        }
        return new RetryPolicy(maxAttempts, initial.toNanos(), max.toNanos());
    }

    /**
     * The wait before the next run of a record that has failed {@code failures} times.
     *
     * @param failures failed runs so far, at least 1
     * @return {@code initialBackoff * 2^(failures-1)}, at most {@code maxBackoff}
     */
    public long backoffNanos(int failures) {
        int doublings = Math.min(Math.max(0, failures - 1), 62);
        long backoff = initialBackoffNanos;
        for (int i = 0; i < doublings && backoff < maxBackoffNanos; i++) {
            backoff = backoff > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : backoff * 2;
        }
        return Math.min(backoff, maxBackoffNanos);
    }

    /**
     * Whether a record that has failed {@code failures} times has used up its attempts.
     *
     * @param failures failed runs so far
     * @return {@code true} when it must be dead-lettered
     */
    public boolean exhausted(int failures) {
        return failures >= maxAttempts;
    }
}
