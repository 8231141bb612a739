package io.nucleon.cli;

import io.nucleon.cli.platform.Json;
import io.nucleon.config.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

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

    /**
     * Reads {@code --triggers}: a JSON object of triggers by name, each a JSON object ({@code
     * {"web":{"kind":"http","attributes":{"port":8081}}}}); the config loader checks their fields.
     */
    static Map<String, Object> triggers(String option, String json) {
        if (!json.strip().startsWith("{")) {
            throw CliException.badInput(option + ": must be a JSON object of triggers by name, e.g. "
                    + "{\"web\":{\"kind\":\"http\",\"attributes\":{\"port\":8081}}}, got '" + json + "'");
        }
        Map<?, ?> triggers;
        try {
            triggers = Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(option + ": " + jsonProblem(e));
        }
        Map<String, Object> checked = new LinkedHashMap<>();
        for (Map.Entry<?, ?> trigger : triggers.entrySet()) {
            if (!(trigger.getValue() instanceof Map<?, ?>)) {
                throw CliException.badInput(option + ": trigger '" + trigger.getKey() + "' must be a JSON object, got "
                        + Json.write(trigger.getValue(), false));
            }
            checked.put(String.valueOf(trigger.getKey()), trigger.getValue());
        }
        return checked;
    }

    /** JSON is read as YAML (its superset); the parser's mark gives the position. */
    private static String jsonProblem(IllegalArgumentException e) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            Mark mark = yaml.getProblemMark();
            return "invalid JSON at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": "
                    + yaml.getProblem();
        }
        return e.getMessage();
    }
}
