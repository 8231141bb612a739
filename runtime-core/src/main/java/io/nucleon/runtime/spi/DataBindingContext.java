package io.nucleon.runtime.spi;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.nucleon.config.ConfigNode;
import io.nucleon.config.DataBindingConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a {@link DataBindingFactory} gets to build one binding: its configuration, its secrets (already read from
 * the environment or files) and the processor's metrics registry.
 *
 * <p>A secret supplies the attribute of the same name, so factories read both through {@link #value} and {@link
 * #optionalValue}. Secret values must never be logged or put in exception messages.
 */
public final class DataBindingContext {

    private final DataBindingConfig config;
    private final String functionName;
    private final Map<String, String> secrets;
    private final MeterRegistry registry;

    /**
     * @param config the binding's entry in {@code spec.dataBindings}
     * @param functionName the function's name
     * @param secrets the secret attributes' values by name
     * @param registry the processor's metrics registry
     */
    public DataBindingContext(
            DataBindingConfig config, String functionName, Map<String, String> secrets, MeterRegistry registry) {
        this.config = config;
        this.functionName = functionName;
        this.secrets = Map.copyOf(secrets);
        this.registry = registry;
    }

    /** @return the binding's name */
    public String name() {
        return config.name();
    }

    /** @return the binding's configuration */
    public DataBindingConfig config() {
        return config;
    }

    /** @return the plain (not secret) attributes, with a binding-level {@code url} among them */
    public ConfigNode attributes() {
        return config.attributes();
    }

    /** @return the function's name */
    public String functionName() {
        return functionName;
    }

    /** @return the processor's metrics registry, for the client's own meters */
    public MeterRegistry registry() {
        return registry;
    }

    /** @return tags for this binding's meters: {@code function} and {@code binding} */
    public Tags tags() {
        return Tags.of("function", functionName, "binding", config.name());
    }

    /**
     * @param name an attribute that may also be given as a secret
     * @return the secret's value, else the attribute's, else empty
     */
    public Optional<String> optionalValue(String name) {
        String secret = secrets.get(name);
        if (secret != null) {
            return Optional.of(secret);
        }
        return config.attributes().child(name).map(ConfigNode::scalar);
    }

    /**
     * @param name a required attribute that may also be given as a secret
     * @return its value
     * @throws io.nucleon.config.ConfigException when neither gives it
     */
    public String value(String name) {
        return optionalValue(name).orElseThrow(() -> config.attributes()
                .error("'" + name + "' is required (as an attribute, as the binding's url, or in secrets)"));
    }

    /**
     * @param name an attribute name
     * @return whether a secret supplies it
     */
    public boolean isSecret(String name) {
        return secrets.containsKey(name);
    }

    /**
     * Fails on the first attribute or secret this kind does not know.
     *
     * @param known the names this kind accepts
     * @throws io.nucleon.config.ConfigException naming the unknown one and listing the known ones
     */
    public void rejectUnknown(Collection<String> known) {
        rejectUnknown(known, known);
    }

    /**
     * Fails on the first attribute this kind does not know, and on the first secret that is not one of the
     * attributes this kind reads through {@link #value}/{@link #optionalValue} (a secret for any other attribute
     * would be ignored).
     *
     * @param attributes the attribute names this kind accepts
     * @param secretNames the attribute names that may come from a secret
     * @throws io.nucleon.config.ConfigException naming the unknown one and listing the known ones
     */
    public void rejectUnknown(Collection<String> attributes, Collection<String> secretNames) {
        config.attributes().rejectUnknown(attributes);
        List<String> unknown = new ArrayList<>(config.secrets().keySet());
        unknown.removeAll(secretNames);
        if (!unknown.isEmpty()) {
            throw config.secrets()
                    .get(unknown.get(0))
                    .node()
                    .error("unknown secret (known secrets: " + String.join(", ", new TreeSet<>(secretNames)) + ")");
        }
    }
}
