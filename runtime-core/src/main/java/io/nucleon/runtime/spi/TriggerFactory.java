package io.nucleon.runtime.spi;

import java.util.Set;

/** Creates triggers of one kind. Found through {@link java.util.ServiceLoader}. */
public interface TriggerFactory {

    /** @return the kind name used in function.yaml, e.g. {@code http} */
    String kind();

    /** @return other names accepted for this kind, e.g. {@code kafka} for {@code kafka-cluster} */
    default Set<String> aliases() {
        return Set.of();
    }

    /**
     * @return whether triggers of this kind accept a {@code batch} section and hand micro-batches to a
     *     {@code BatchFunction} (through {@link io.nucleon.runtime.dispatch.EventDispatcher#dispatchGroup})
     */
    default boolean supportsBatches() {
        return false;
    }

    /**
     * Validates the trigger's attributes and creates it, without binding ports or connecting yet.
     *
     * @param context the trigger's configuration and its connection to the workers
     * @return the trigger, not started
     * @throws io.nucleon.config.ConfigException when an attribute is missing or invalid
     */
    Trigger create(TriggerContext context);
}
