package io.nucleon.cli.platform;

import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The little JSON the CLI reads and writes (deployment.json, {@code /status}, {@code get -o json}). JSON
 * is YAML, so the YAML parser the config model already brings reads it; writing is a few lines.
 */
public final class Json {

    private Json() {}

    /**
     * @param text a JSON object
     * @return it as maps, lists, strings, numbers, booleans and nulls
     * @throws IllegalArgumentException when it is not a JSON object
     */
    public static Map<String, Object> parseObject(String text) {
        try {
            Object value = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            if (value instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) map;
                return object;
            }
        } catch (YAMLException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("not a JSON object");
    }

    /**
     * @param value maps, lists, strings, numbers, booleans and nulls
     * @param indent whether to put one member per line
     * @return its JSON text
     */
    public static String write(Object value, boolean indent) {
        StringBuilder json = new StringBuilder();
        write(json, value, indent, 0);
        return json.toString();
    }

    private static void write(StringBuilder json, Object value, boolean indent, int depth) {
        switch (value) {
            case null -> json.append("null");
            case String text -> quote(json, text);
            case Number number -> json.append(number);
            case Boolean bool -> json.append(bool);
            case Map<?, ?> map -> {
                json.append('{');
                String separator = "";
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    json.append(separator);
                    newline(json, indent, depth + 1);
                    quote(json, String.valueOf(entry.getKey()));
                    json.append(indent ? ": " : ":");
                    write(json, entry.getValue(), indent, depth + 1);
                    separator = ",";
                }
                if (!map.isEmpty()) {
                    newline(json, indent, depth);
                }
                json.append('}');
            }
            case List<?> list -> {
                json.append('[');
                String separator = "";
                for (Object element : list) {
                    json.append(separator);
                    newline(json, indent, depth + 1);
                    write(json, element, indent, depth + 1);
                    separator = ",";
                }
                if (!list.isEmpty()) {
                    newline(json, indent, depth);
                }
                json.append(']');
            }
            default -> quote(json, value.toString());
        }
    }

    private static void newline(StringBuilder json, boolean indent, int depth) {
        if (indent) {
            json.append('\n').append("  ".repeat(depth));
        }
    }

    private static void quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
