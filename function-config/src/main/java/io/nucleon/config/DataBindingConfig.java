package io.nucleon.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code spec.dataBindings}: a named client to an outside system that the processor creates, checks
 * at start and closes at shutdown. Kind-specific settings stay in {@link #attributes()}, which the binding's
 * factory reads and validates itself.
 *
 * @param name the binding's key in {@code spec.dataBindings}; functions fetch the binding by it
 * @param kind the binding kind, e.g. {@code redis}
 * @param attributes the kind-specific {@code attributes} mapping, with a binding-level {@code url} moved in
 * @param secrets secret attributes by name, read from the environment or files when the processor starts
 * @param node the binding's own mapping, for error messages about it
 */
public record DataBindingConfig(
        String name, String kind, ConfigNode attributes, Map<String, SecretRef> secrets, ConfigNode node) {

    public DataBindingConfig {
        secrets = Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    }
}
