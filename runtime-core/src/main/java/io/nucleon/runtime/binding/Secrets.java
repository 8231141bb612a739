package io.nucleon.runtime.binding;

import io.nucleon.config.DataBindingConfig;
import io.nucleon.config.SecretRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads a binding's secrets from the processor's environment or from files. Error messages name the binding, the
 * secret and where it was looked for, never a value.
 */
final class Secrets {

    private final UnaryOperator<String> environment;

    /** @param environment looks an environment variable up; {@code null} when it is not set */
    Secrets(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    /**
     * @param binding the binding whose secrets to read
     * @return each secret's value by attribute name
     * @throws IllegalStateException when a variable is not set or a file cannot be read
     */
    Map<String, String> read(DataBindingConfig binding) {
        Map<String, String> values = new LinkedHashMap<>();
        for (SecretRef secret : binding.secrets().values()) {
            values.put(secret.name(), read(binding.name(), secret));
        }
        return values;
    }

    private String read(String binding, SecretRef secret) {
        String where = "data binding '" + binding + "': secret '" + secret.name() + "' ("
                + secret.node().location() + "): ";
        if (secret.source() == SecretRef.Source.ENV) {
            String value = environment.apply(secret.reference());
            if (value == null) {
                throw new IllegalStateException(where + "environment variable " + secret.reference() + " is not set");
            }
            return value;
        }
        try {
            return stripLineBreak(Files.readString(Path.of(secret.reference()), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(where + "cannot read file " + secret.reference() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** Files written with {@code echo} or by Kubernetes tooling often end with one line break that is not meant. */
    private static String stripLineBreak(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
