package io.nucleon.config;

/**
 * Where a data binding's secret value comes from: an environment variable of the processor or a file (a
 * mounted Kubernetes secret). The value itself never appears in function.yaml, logs or status documents.
 *
 * @param name the attribute the secret supplies, e.g. {@code password}
 * @param source whether {@link #reference()} names an environment variable or a file
 * @param reference the variable's name or the file's path
 * @param node the secret's entry, for error messages about it
 */
public record SecretRef(String name, Source source, String reference, ConfigNode node) {

    /** Where a secret is read from. */
    public enum Source {
        /** An environment variable of the processor ({@code env: DB_PASSWORD}). */
        ENV,
        /** A file whose content, without a trailing line break, is the value ({@code file: /run/secrets/db}). */
        FILE
    }

    /** @return where the value is read, for messages: {@code environment variable X} or {@code file /p} */
    public String describe() {
        return source == Source.ENV ? "environment variable " + reference : "file " + reference;
    }
}
