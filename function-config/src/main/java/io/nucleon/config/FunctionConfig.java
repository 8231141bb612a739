package io.nucleon.config;

/**
 * A loaded and validated function.yaml.
 *
 * @param apiVersion {@code nuclio.io/v1} or {@code nucleon.io/v1}
 * @param kind {@code NuclioFunction} or {@code NucleonFunction}
 * @param metadata name, namespace, labels, annotations
 * @param spec handler, runtime, env, triggers, timeouts, replicas
 * @param location the file it came from
 */
public record FunctionConfig(
        String apiVersion, String kind, FunctionMetadata metadata, FunctionSpec spec, ConfigLocation location) {

    /** @return the function's name, from {@code metadata.name} */
    public String name() {
        return metadata.name();
    }
}
