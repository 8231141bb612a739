package io.nucleon.runtime.spi;

import java.util.Set;

/**
 * Creates data bindings of one kind ({@code spec.dataBindings.<name>.kind}). Found through {@link
 * java.util.ServiceLoader}: a jar on the processor's classpath with a {@code
 * META-INF/services/io.nucleon.runtime.spi.DataBindingFactory} entry adds a kind of its own.
 */
public interface DataBindingFactory {

    /** @return the kind name used in function.yaml, e.g. {@code redis} */
    String kind();

    /** @return other names accepted for this kind */
    default Set<String> aliases() {
        return Set.of();
    }

    /**
     * Validates the binding's attributes and creates its client. The processor calls {@link DataBinding#check()}
     * next, before any worker starts.
     *
     * @param context the binding's configuration, secrets and metrics
     * @return the binding
     * @throws io.nucleon.config.ConfigException when an attribute is missing or invalid
     * @throws Exception when the client cannot be created. The messages of the whole cause chain go into the start
     *     error, so never throw or chain an exception whose message carries a secret (some clients quote the
     *     URL with its password): throw one of your own with the reason instead
     */
    DataBinding create(DataBindingContext context) throws Exception;
}
