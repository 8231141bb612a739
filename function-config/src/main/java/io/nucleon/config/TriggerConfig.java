package io.nucleon.config;

import java.time.Duration;
import java.util.Optional;

/**
 * One entry of {@code spec.triggers}. Kind-specific settings stay in {@link #attributes()}, which the
 * trigger's factory reads and validates itself.
 *
 * @param name the trigger's key in {@code spec.triggers}
 * @param kind the trigger kind, e.g. {@code http}
 * @param numWorkers how many workers (threads, each with its own function instance) serve this trigger
 * @param workerAllocatorName a named pool shared with other triggers, or empty for a pool of its own
 * @param workerAvailabilityTimeout how long an event may wait for a free worker before it is refused
 * @param attributes the kind-specific {@code attributes} mapping (empty when omitted)
 * @param batch the {@code batch} section, when the trigger hands micro-batches to a {@code BatchFunction}
 * @param node the trigger's own mapping, for error messages about it
 */
public record TriggerConfig(
        String name,
        String kind,
        int numWorkers,
        String workerAllocatorName,
        Duration workerAvailabilityTimeout,
        ConfigNode attributes,
        Optional<BatchConfig> batch,
        ConfigNode node) {

    /** Default of {@code numWorkers}: {@value}. */
    public static final int DEFAULT_NUM_WORKERS = 1;

    /** Largest allowed {@code numWorkers}: {@value}. */
    public static final int MAX_NUM_WORKERS = 1024;

    /** Default of {@code workerAvailabilityTimeoutMilliseconds}: {@value} (Nuclio's default). */
    public static final long DEFAULT_WORKER_AVAILABILITY_TIMEOUT_MS = 10_000;

    /** @return whether this trigger shares a named worker pool with other triggers */
    public boolean sharesWorkerPool() {
        return !workerAllocatorName.isEmpty();
    }
}
