package io.nucleon.cli;

import io.nucleon.config.Durations;
import java.time.Duration;

/** Checks on option values that picocli's types do not cover. */
final class Arguments {

    private Arguments() {}

    static Duration duration(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(option + ": " + e.getMessage());
        }
    }

    static String[] keyValue(String option, String text, char separator) {
        int at = text.indexOf(separator);
        if (at <= 0) {
            throw CliException.badInput(option + ": must be KEY" + separator + "VALUE, got '" + text + "'");
        }
        return new String[] {
            text.substring(0, at).strip(), text.substring(at + 1).strip()
        };
    }
}
