package io.nucleon.cli;

import io.nucleon.config.BuildSpec;
import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfig;
import io.nucleon.config.FunctionConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Makes the function.yaml a deployment runs with: the user's file (validated first, so its errors name its
 * lines) or a generated one, with the command line's name, handler, env, triggers, replicas and port applied
 * on top.
 */
final class ConfigResolver {

    /** How the result is named in the loader's messages. */
    private static final String SOURCE = "resolved function.yaml";

    private final Map<String, Object> root;
    private final BuildSpec build;

    /** Fields set from options, by their dotted path: a value the loader refuses is reported as the option's. */
    private final Map<String, String> options = new LinkedHashMap<>();

    private ConfigResolver(Map<String, Object> root, BuildSpec build) {
        this.root = root;
        this.build = build;
    }

    /** Loads and validates a user's function.yaml; its errors are the loader's, with file and line. */
    static ConfigResolver fromFile(Path file) {
        FunctionConfig config = FunctionConfigLoader.load(file);
        try {
            return new ConfigResolver(
                    map(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file))),
                    config.spec().build());
        } catch (IOException e) {
            throw CliException.badInput("-f: '" + file + "' cannot be read: " + e.getMessage());
        }
    }

    /** A function.yaml for code given with {@code -p} alone: one HTTP trigger. */
    static ConfigResolver generated(String name, String handler) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("apiVersion", "nuclio.io/v1");
        root.put("kind", "NuclioFunction");
        root.put("metadata", new LinkedHashMap<>(Map.of("name", name)));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("handler", handler);
        spec.put("runtime", "java");
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("kind", "http");
        http.put("numWorkers", 1);
        http.put("attributes", new LinkedHashMap<>());
        spec.put("triggers", new LinkedHashMap<>(Map.of("http", http)));
        root.put("spec", spec);
        return new ConfigResolver(root, BuildSpec.NONE);
    }

    /** @return the file's {@code spec.build}: the Maven dependencies the function's code needs */
    BuildSpec build() {
        return build;
    }

    Optional<String> name() {
        return Optional.ofNullable((String) section("metadata").get("name"));
    }

    Optional<String> handler() {
        return Optional.ofNullable((String) section("spec").get("handler"));
    }

    ConfigResolver name(String name) {
        section("metadata").put("name", name);
        return this;
    }

    ConfigResolver handler(String handler) {
        section("spec").put("handler", handler);
        return this;
    }

    /** Sets or replaces variables, keeping Nuclio's list form when the file uses it. */
    ConfigResolver env(Map<String, String> variables) {
        if (variables.isEmpty()) {
            return this;
        }
        Map<String, Object> spec = section("spec");
        Object env = spec.get("env");
        if (env instanceof List<?> list) {
            List<Object> updated = new ArrayList<>(list);
            variables.forEach((name, value) -> {
                Map<String, Object> variable = new LinkedHashMap<>();
                variable.put("name", name);
                variable.put("value", value);
                int at = indexOf(updated, name);
                if (at < 0) {
                    updated.add(variable);
                } else {
                    updated.set(at, variable);
                }
            });
            spec.put("env", updated);
        } else {
            Map<String, Object> updated = env == null ? new LinkedHashMap<>() : map(env);
            updated.putAll(variables);
            spec.put("env", updated);
        }
        return this;
    }

    private static int indexOf(List<Object> env, String name) {
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i) instanceof Map<?, ?> m && name.equals(m.get("name"))) {
                return i;
            }
        }
        return -1;
    }

    /** Replaces {@code spec.triggers} ({@code --triggers}, as Nuclio's nuctl does). */
    ConfigResolver triggers(Map<String, Object> triggers) {
        section("spec").put("triggers", new LinkedHashMap<>(triggers));
        options.put("spec.triggers", "--triggers");
        return this;
    }

    /**
     * Sets {@code spec.replicas}; the loader checks it against {@code minReplicas} and {@code maxReplicas}, and
     * an error on any of the three is the option's: the file alone was valid.
     */
    ConfigResolver replicas(int replicas) {
        section("spec").put("replicas", replicas);
        for (String field : List.of("spec.replicas", "spec.minReplicas", "spec.maxReplicas")) {
            options.put(field, "--replicas " + replicas);
        }
        return this;
    }

    /** Puts the first HTTP trigger on {@code port}, adding one when the file has no triggers at all. */
    ConfigResolver httpPort(int port) {
        Map<String, Object> spec = section("spec");
        if (!(spec.get("triggers") instanceof Map<?, ?>)) {
            Map<String, Object> http = new LinkedHashMap<>();
            http.put("kind", "http");
            http.put("attributes", new LinkedHashMap<>());
            spec.put("triggers", new LinkedHashMap<>(Map.of("default-http", http)));
        }
        Map<String, Object> triggers = map(spec.get("triggers"));
        Map<String, Object> http = triggers.values().stream()
                .filter(t -> t instanceof Map<?, ?> m && "http".equals(m.get("kind")))
                .map(ConfigResolver::map)
                .findFirst()
                .orElseThrow(() -> CliException.badInput("--port: the function has no http trigger"));
        Map<String, Object> attributes = http.get("attributes") instanceof Map<?, ?> a ? map(a) : new LinkedHashMap<>();
        attributes.put("port", port);
        http.put("attributes", attributes);
        return this;
    }

    /**
     * Sets {@code reusePort: true} on each HTTP trigger that does not set it, so that a redeploy can start the
     * new processor on the port of the running one. A trigger that sets it (true or false) keeps its value.
     */
    ConfigResolver reusePortByDefault() {
        if (section("spec").get("triggers") instanceof Map<?, ?> triggers) {
            for (Object trigger : triggers.values()) {
                if (trigger instanceof Map<?, ?> m && "http".equals(m.get("kind"))) {
                    Map<String, Object> http = map(m);
                    Map<String, Object> attributes =
                            http.get("attributes") instanceof Map<?, ?> a ? map(a) : new LinkedHashMap<>();
                    attributes.putIfAbsent("reusePort", true);
                    http.put("attributes", attributes);
                }
            }
        }
        return this;
    }

    /** @return whether the first HTTP trigger names a port */
    boolean hasHttpPort() {
        if (section("spec").get("triggers") instanceof Map<?, ?> triggers) {
            return triggers.values().stream()
                    .filter(t -> t instanceof Map<?, ?> m && "http".equals(m.get("kind")))
                    .findFirst()
                    .map(t -> ((Map<?, ?>) t).get("attributes") instanceof Map<?, ?> a && a.containsKey("port"))
                    .orElse(true);
        }
        return false;
    }

    String yaml() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        return "# Resolved by nucleon deploy\n"
                + new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options).dump(root);
    }

    /**
     * Validates the result; a command-line value the file format refuses is reported here, as the option's
     * when the field came from one.
     */
    FunctionConfig validate(String yaml) {
        try {
            return FunctionConfigLoader.parse(yaml, SOURCE);
        } catch (ConfigException e) {
            throw asOptionError(e).orElseThrow(() -> e);
        }
    }

    private Optional<CliException> asOptionError(ConfigException e) {
        String message = e.getMessage();
        return options.entrySet().stream()
                .filter(option -> message.contains(": " + option.getKey() + ":")
                        || message.contains(": " + option.getKey() + "."))
                .findFirst()
                .map(option -> CliException.badInput(option.getValue() + ": "
                        + message.replaceFirst("^" + Pattern.quote(SOURCE) + "( line \\d+)?: ", "")));
    }

    private Map<String, Object> section(String key) {
        Object section = root.get(key);
        if (section == null) {
            Map<String, Object> created = new LinkedHashMap<>();
            root.put(key, created);
            return created;
        }
        return map(section);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
