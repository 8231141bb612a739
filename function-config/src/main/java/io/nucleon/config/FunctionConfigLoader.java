package io.nucleon.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads function.yaml strictly: unknown fields, wrong types and out-of-range values are errors that
 * name the field and its line. Trigger attributes are left to each trigger's factory.
 */
public final class FunctionConfigLoader {

    private static final List<String> API_VERSIONS = List.of("nuclio.io/v1", "nucleon.io/v1");
    private static final List<String> KINDS = List.of("NuclioFunction", "NucleonFunction");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");
    private static final List<String> TOP_FIELDS = List.of("apiVersion", "kind", "metadata", "spec");
    private static final List<String> METADATA_FIELDS = List.of("name", "namespace", "labels", "annotations");
    private static final List<String> SPEC_FIELDS = List.of(
            "handler",
            "runtime",
            "description",
            "env",
            "triggers",
            "eventTimeout",
            "minReplicas",
            "maxReplicas",
            "replicas",
            "build",
            "platform",
            "dataBindings",
            "cache");
    private static final List<String> BUILD_FIELDS = List.of("dependencies", "repositories");
    private static final List<String> PLATFORM_FIELDS = List.of("attributes");
    private static final List<String> PLATFORM_ATTRIBUTES = List.of("restartPolicy");
    private static final List<String> RESTART_POLICY_FIELDS = List.of("name", "maximumRetryCount");
    /** groupId:artifactId[:extension[:classifier]]:version, as Maven and Gradle write them. */
    private static final Pattern COORDINATES = Pattern.compile("[^:\\s/]+(:[^:\\s/]+){2,4}");

    private static final int MAX_REPLICAS = 1000;
    private static final List<String> TRIGGER_FIELDS = List.of(
            "kind",
            "name",
            "numWorkers",
            "workerAllocatorName",
            "workerAvailabilityTimeoutMilliseconds",
            "attributes",
            "batch",
            "url");
    private static final List<String> BATCH_FIELDS = List.of("mode", "batchSize", "timeout");
    private static final List<String> BINDING_FIELDS = List.of("kind", "name", "url", "attributes", "secrets");
    private static final List<String> SECRET_SOURCES = List.of("env", "file");
    private static final List<String> CACHE_FIELDS = List.of("maxEntries", "maxWeightBytes", "ttl");
    private static final Pattern BINDING_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    private FunctionConfigLoader() {}

    /**
     * Loads a function.yaml file.
     *
     * @param file the file
     * @return the validated configuration
     * @throws ConfigException when the file is missing, unreadable or invalid
     */
    public static FunctionConfig load(Path file) {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(new ConfigLocation(source, 0), "no such file");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, source);
        } catch (IOException e) {
            throw new ConfigException(new ConfigLocation(source, 0), "cannot read: " + e.getMessage());
        }
    }

    /**
     * Parses function.yaml text.
     *
     * @param yaml the YAML text
     * @param source the name to use in error messages
     * @return the validated configuration
     * @throws ConfigException when the text is invalid
     */
    public static FunctionConfig parse(String yaml, String source) {
        return parse(new StringReader(yaml), source);
    }

    private static FunctionConfig parse(Reader reader, String source) {
        ConfigNode root = new ConfigNode(compose(reader, source), "", source);
        if (!root.isMapping()) {
            throw new ConfigException(
                    root.location(), "must be a YAML mapping with apiVersion, kind, metadata and spec");
        }
        root.rejectUnknown(TOP_FIELDS);
        String apiVersion = oneOf(root, "apiVersion", "nuclio.io/v1", API_VERSIONS);
        String kind = oneOf(root, "kind", "NuclioFunction", KINDS);
        FunctionMetadata metadata = metadata(root.required("metadata"));
        FunctionSpec spec = spec(root.required("spec"));
        return new FunctionConfig(apiVersion, kind, metadata, spec, root.location());
    }

    private static Node compose(Reader reader, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        try {
            Node node = new Yaml(new SafeConstructor(options)).compose(reader);
            if (node == null) {
                throw new ConfigException(new ConfigLocation(source, 0), "is empty");
            }
            return node;
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(new ConfigLocation(source, line), "invalid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(new ConfigLocation(source, 0), "invalid YAML: " + e.getMessage());
        }
    }

    private static String oneOf(ConfigNode parent, String key, String defaultValue, List<String> allowed) {
        String value = parent.string(key, defaultValue);
        if (!allowed.contains(value)) {
            throw parent.required(key).error("must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return value;
    }

    private static FunctionMetadata metadata(ConfigNode node) {
        node.rejectUnknown(METADATA_FIELDS);
        String name = node.string("name");
        if (!NAME.matcher(name).matches()) {
            throw node.required("name")
                    .error("must be lower-case letters, digits and '-', start and end with a letter or digit, "
                            + "at most 63 characters; got '" + name + "'");
        }
        return new FunctionMetadata(
                name,
                node.string("namespace", "default"),
                node.child("labels").map(ConfigNode::stringMap).orElse(Map.of()),
                node.child("annotations").map(ConfigNode::stringMap).orElse(Map.of()));
    }

    private static FunctionSpec spec(ConfigNode node) {
        node.rejectUnknown(SPEC_FIELDS);
        String handler = node.string("handler");
        if (!CLASS_NAME.matcher(handler).matches()) {
            throw node.required("handler").error("must be a fully qualified Java class name, got '" + handler + "'");
        }
        oneOf(node, "runtime", "java", List.of("java"));
        Duration eventTimeout =
                node.duration("eventTimeout", Duration.ofSeconds(FunctionSpec.DEFAULT_EVENT_TIMEOUT_SECONDS));
        if (eventTimeout.isZero()) {
            throw node.required("eventTimeout").error("must be longer than 0");
        }
        OptionalInt replicas = node.child("replicas").isPresent()
                ? OptionalInt.of(node.integer("replicas", 1, 0, MAX_REPLICAS))
                : OptionalInt.empty();
        int minReplicas = node.integer("minReplicas", replicas.orElse(1), 0, MAX_REPLICAS);
        int maxReplicas =
                node.integer("maxReplicas", Math.max(1, Math.max(minReplicas, replicas.orElse(1))), 1, MAX_REPLICAS);
        if (maxReplicas < minReplicas) {
            throw node.required("maxReplicas").error("must not be less than minReplicas (" + minReplicas + ")");
        }
        if (replicas.isPresent() && (replicas.getAsInt() < minReplicas || replicas.getAsInt() > maxReplicas)) {
            throw node.required("replicas")
                    .error("must be between minReplicas (" + minReplicas + ") and maxReplicas (" + maxReplicas
                            + "), got " + replicas.getAsInt());
        }
        return new FunctionSpec(
                handler,
                "java",
                node.string("description", ""),
                node.child("env").map(FunctionConfigLoader::env).orElse(Map.of()),
                triggers(node),
                eventTimeout,
                minReplicas,
                maxReplicas,
                replicas,
                node.child("build").map(FunctionConfigLoader::build).orElse(BuildSpec.NONE),
                node.child("platform").map(FunctionConfigLoader::restartPolicy).orElse(RestartPolicy.NO),
                dataBindings(node),
                cache(node),
                node);
    }

    private static BuildSpec build(ConfigNode node) {
        node.rejectUnknown(BUILD_FIELDS);
        List<String> dependencies = new ArrayList<>();
        for (ConfigNode dependency :
                node.child("dependencies").map(ConfigNode::elements).orElse(List.of())) {
            String coordinates = dependency.scalar().strip();
            if (!COORDINATES.matcher(coordinates).matches()) {
                throw dependency.error("must be Maven coordinates groupId:artifactId[:extension[:classifier]]:version,"
                        + " got '" + coordinates + "'");
            }
            dependencies.add(coordinates);
        }
        List<String> repositories = new ArrayList<>();
        for (ConfigNode repository :
                node.child("repositories").map(ConfigNode::elements).orElse(List.of())) {
            String url = repository.scalar().strip();
            if (!url.matches("(?i)(https?|file)://\\S+")) {
                throw repository.error("must be an http(s):// or file:// URL of a Maven repository, got '" + url + "'");
            }
            repositories.add(url);
        }
        return new BuildSpec(dependencies, repositories);
    }

    private static RestartPolicy restartPolicy(ConfigNode platform) {
        platform.rejectUnknown(PLATFORM_FIELDS);
        Optional<ConfigNode> attributes = platform.child("attributes");
        if (attributes.isEmpty()) {
            return RestartPolicy.NO;
        }
        attributes.get().rejectUnknown(PLATFORM_ATTRIBUTES);
        Optional<ConfigNode> policy = attributes.get().child("restartPolicy");
        if (policy.isEmpty()) {
            return RestartPolicy.NO;
        }
        ConfigNode node = policy.get();
        node.rejectUnknown(RESTART_POLICY_FIELDS);
        String text = node.string("name");
        RestartPolicy.Name name = RestartPolicy.Name.parse(text);
        if (name == null) {
            throw node.required("name")
                    .error("must be one of no, on-failure, always, unless-stopped, got '" + text + "'");
        }
        return new RestartPolicy(name, node.integer("maximumRetryCount", 0, 0, RestartPolicy.MAX_RETRY_COUNT));
    }

    /** Nuclio's form is a list of {name, value}; a plain mapping is accepted too. */
    private static Map<String, String> env(ConfigNode node) {
        if (!node.isSequence()) {
            return node.stringMap();
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (ConfigNode variable : node.elements()) {
            variable.rejectUnknown(List.of("name", "value"));
            String name = variable.string("name");
            if (env.put(name, variable.string("value", "")) != null) {
                throw variable.required("name").error("environment variable '" + name + "' is set twice");
            }
        }
        return env;
    }

    private static Map<String, TriggerConfig> triggers(ConfigNode spec) {
        Map<String, TriggerConfig> triggers = new LinkedHashMap<>();
        spec.child("triggers").ifPresent(node -> node.entries()
                .forEach((name, trigger) -> triggers.put(name, trigger(name, trigger))));
        if (triggers.isEmpty()) {
            String path = spec.path() + ".triggers.default-http";
            ConfigNode attributes = ConfigNode.emptyMapping(path + ".attributes", spec.location());
            triggers.put(
                    "default-http",
                    new TriggerConfig(
                            "default-http",
                            "http",
                            TriggerConfig.DEFAULT_NUM_WORKERS,
                            "",
                            Duration.ofMillis(TriggerConfig.DEFAULT_WORKER_AVAILABILITY_TIMEOUT_MS),
                            attributes,
                            Optional.empty(),
                            ConfigNode.emptyMapping(path, spec.location())));
        }
        return triggers;
    }

    private static TriggerConfig trigger(String name, ConfigNode node) {
        node.rejectUnknown(TRIGGER_FIELDS);
        String kind = node.string("kind");
        String declaredName = node.string("name", name);
        if (!declaredName.equals(name)) {
            throw node.required("name")
                    .error("must match the trigger's key '" + name + "', got '" + declaredName + "'");
        }
        ConfigNode attributes = node.child("attributes")
                .orElseGet(() -> ConfigNode.emptyMapping(node.path() + ".attributes", node.location()));
        attributes.entries(); // must be a mapping
        attributes = withTriggerUrl(node, attributes);
        return new TriggerConfig(
                name,
                kind,
                node.integer("numWorkers", TriggerConfig.DEFAULT_NUM_WORKERS, 1, TriggerConfig.MAX_NUM_WORKERS),
                node.string("workerAllocatorName", ""),
                Duration.ofMillis(node.longValue(
                        "workerAvailabilityTimeoutMilliseconds",
                        TriggerConfig.DEFAULT_WORKER_AVAILABILITY_TIMEOUT_MS,
                        0,
                        3_600_000)),
                attributes,
                node.child("batch").flatMap(FunctionConfigLoader::batch),
                node);
    }

    private static Map<String, DataBindingConfig> dataBindings(ConfigNode spec) {
        Map<String, DataBindingConfig> bindings = new LinkedHashMap<>();
        spec.child("dataBindings").ifPresent(node -> node.entries()
                .forEach((name, binding) -> bindings.put(name, dataBinding(name, binding))));
        return bindings;
    }

    private static DataBindingConfig dataBinding(String name, ConfigNode node) {
        node.rejectUnknown(BINDING_FIELDS);
        if (!BINDING_NAME.matcher(name).matches()) {
            throw node.error("a data binding's name must be letters, digits, '-', '_' or '.', at most 63 characters,"
                    + " starting and ending with a letter or digit; got '" + name + "'");
        }
        String declaredName = node.string("name", name);
        if (!declaredName.equals(name)) {
            throw node.required("name")
                    .error("must match the data binding's key '" + name + "', got '" + declaredName + "'");
        }
        String kind = node.string("kind");
        ConfigNode attributes = node.child("attributes")
                .orElseGet(() -> ConfigNode.emptyMapping(node.path() + ".attributes", node.location()));
        attributes.entries(); // must be a mapping
        attributes = withTriggerUrl(node, attributes);
        Map<String, SecretRef> secrets = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> entry :
                node.child("secrets").map(ConfigNode::entries).orElse(Map.of()).entrySet()) {
            if (attributes.child(entry.getKey()).isPresent()) {
                throw entry.getValue()
                        .error("is set twice: as a secret and in attributes." + entry.getKey() + "; keep the secret");
            }
            secrets.put(entry.getKey(), secret(entry.getKey(), entry.getValue()));
        }
        return new DataBindingConfig(name, kind, attributes, secrets, node);
    }

    /** {@code password: {env: DB_PASSWORD}} or {@code password: {file: /run/secrets/db-password}}. */
    private static SecretRef secret(String name, ConfigNode node) {
        if (!node.isMapping()) {
            throw node.error("must name where the secret is read: 'env: VARIABLE' or 'file: /path'; a secret's value"
                    + " never goes in function.yaml");
        }
        node.rejectUnknown(SECRET_SOURCES);
        boolean env = node.child("env").isPresent();
        if (env == node.child("file").isPresent()) {
            throw node.error("needs exactly one of 'env: VARIABLE' and 'file: /path'");
        }
        String reference = node.string(env ? "env" : "file").strip();
        if (reference.isEmpty()) {
            throw node.required(env ? "env" : "file").error("must not be empty");
        }
        return new SecretRef(name, env ? SecretRef.Source.ENV : SecretRef.Source.FILE, reference, node);
    }

    private static CacheConfig cache(ConfigNode spec) {
        ConfigNode node =
                spec.child("cache").orElseGet(() -> ConfigNode.emptyMapping(spec.path() + ".cache", spec.location()));
        node.rejectUnknown(CACHE_FIELDS);
        boolean byWeight = node.child("maxWeightBytes").isPresent();
        if (byWeight && node.child("maxEntries").isPresent()) {
            throw node.required("maxWeightBytes")
                    .error("cannot be set together with maxEntries: the cache is bounded by one of them");
        }
        OptionalLong maxEntries = byWeight
                ? OptionalLong.empty()
                : OptionalLong.of(
                        node.longValue("maxEntries", CacheConfig.DEFAULT_MAX_ENTRIES, 1, CacheConfig.MAX_ENTRIES));
        OptionalLong maxWeight = byWeight
                ? OptionalLong.of(node.sizeBytes("maxWeightBytes", 0, 1, Long.MAX_VALUE))
                : OptionalLong.empty();
        Optional<Duration> ttl = Optional.empty();
        if (node.child("ttl").isPresent()) {
            ttl = Optional.of(node.duration("ttl", Duration.ZERO));
            if (ttl.get().isZero() || ttl.get().isNegative()) {
                throw node.required("ttl").error("must be longer than 0 (leave it out for no expiry)");
            }
        }
        return new CacheConfig(maxEntries, maxWeight, ttl, node);
    }

    /**
     * Nuclio writes a broker trigger's {@code url} beside {@code attributes}; Nucleon's triggers read it
     * among their attributes, so a trigger-level {@code url} moves there (set in one place only).
     */
    private static ConfigNode withTriggerUrl(ConfigNode trigger, ConfigNode attributes) {
        Optional<ConfigNode> url = trigger.child("url");
        if (url.isEmpty()) {
            return attributes;
        }
        if (attributes.child("url").isPresent()) {
            throw url.get().error("is set twice: here and in attributes.url; keep one");
        }
        return attributes.withEntry("url", url.get());
    }

    private static Optional<BatchConfig> batch(ConfigNode node) {
        node.rejectUnknown(BATCH_FIELDS);
        if (oneOf(node, "mode", "enable", List.of("enable", "disable")).equals("disable")) {
            return Optional.empty();
        }
        int batchSize = node.integer("batchSize", BatchConfig.DEFAULT_BATCH_SIZE, 1, BatchConfig.MAX_BATCH_SIZE);
        Duration timeout = node.duration("timeout", BatchConfig.DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            throw node.required("timeout").error("must be longer than 0");
        }
        return Optional.of(new BatchConfig(batchSize, timeout));
    }
}
