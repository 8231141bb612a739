package io.nucleon.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code metadata} section of function.yaml.
 *
 * @param name the function name: lower-case letters, digits and '-', at most 63 characters
 * @param namespace the Kubernetes namespace, {@code default} when omitted
 * @param labels free-form labels
 * @param annotations free-form annotations
 */
public record FunctionMetadata(
        String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {

    public FunctionMetadata {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }
}
