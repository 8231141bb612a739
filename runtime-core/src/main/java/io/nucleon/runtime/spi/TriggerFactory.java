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
     * Validates the trigger's attributes and creates it, without binding ports or connecting yet.
     *
     * @param context the trigger's configuration and its connection to the workers
     * @return the trigger, not started
     * @throws io.nucleon.config.ConfigException when an attribute is missing or invalid
     */
    Trigger create(TriggerContext context);
}
