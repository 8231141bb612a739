package io.nucleon.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A node of a parsed YAML file that remembers its dotted path and line, so every typed read can fail
 * with a message that names the field and where it is. Trigger factories read their {@code attributes}
 * through this class.
 */
public final class ConfigNode {

    private final Node node;
    private final String path;
    private final ConfigLocation location;

    ConfigNode(Node node, String path, String source) {
        this(
                node,
                path,
                new ConfigLocation(
                        source,
                        node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1));
    }

    private ConfigNode(Node node, String path, ConfigLocation location) {
        this.node = node;
        this.path = path;
        this.location = location;
    }

    /**
     * An empty mapping standing in for an omitted section, placed at its parent's position.
     *
     * @param path the dotted path the section would have
     * @param location the parent's location
     * @return an empty mapping node
     */
    public static ConfigNode emptyMapping(String path, ConfigLocation location) {
        MappingNode empty = new MappingNode(
                org.yaml.snakeyaml.nodes.Tag.MAP, List.of(), org.yaml.snakeyaml.DumperOptions.FlowStyle.AUTO);
        return new ConfigNode(empty, path, location);
    }

    /**
     * This mapping with one more entry, whose value keeps its own line for error messages.
     *
     * @param key the new field's name, not yet present
     * @param value its value
     * @return a new mapping node at this node's path
     */
    ConfigNode withEntry(String key, ConfigNode value) {
        if (!(node instanceof MappingNode mapping)) {
            throw error("must be a mapping (key: value lines), got " + describe());
        }
        List<NodeTuple> tuples = new ArrayList<>(mapping.getValue());
        tuples.add(new NodeTuple(
                new ScalarNode(
                        org.yaml.snakeyaml.nodes.Tag.STR,
                        key,
                        value.node.getStartMark(),
                        value.node.getEndMark(),
                        org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN),
                value.node));
        MappingNode extended = new MappingNode(mapping.getTag(), tuples, mapping.getFlowStyle());
        return new ConfigNode(extended, path, location);
    }

    /** @return the dotted path of this node, e.g. {@code spec.triggers.http.attributes} */
    public String path() {
        return path;
    }

    /** @return where this node starts */
    public ConfigLocation location() {
        return location;
    }

    /**
     * An error about this node.
     *
     * @param problem what is wrong
     * @return an exception naming this node's path and location
     */
    public ConfigException error(String problem) {
        return new ConfigException(location, path, problem);
    }

    /**
     * The entries of a mapping, in file order.
     *
     * @return keys to child nodes
     * @throws ConfigException if this is not a mapping, or a key repeats
     */
    public Map<String, ConfigNode> entries() {
        if (!(node instanceof MappingNode mapping)) {
            throw error("must be a mapping (key: value lines), got " + describe());
        }
        Map<String, ConfigNode> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            ConfigNode key = new ConfigNode(tuple.getKeyNode(), path, location.source());
            String name = key.scalar();
            String childPath = path.isEmpty() ? name : path + "." + name;
            if (entries.containsKey(name)) {
                throw new ConfigException(key.location, childPath, "appears twice");
            }
            // Errors about a field point at its key's line, also when its value is a nested block.
            entries.put(name, new ConfigNode(tuple.getValueNode(), childPath, key.location));
        }
        return entries;
    }

    /**
     * Fails on the first key that is not in {@code known}.
     *
     * @param known the field names this section accepts
     * @throws ConfigException naming the unknown field and listing the known ones
     */
    public void rejectUnknown(Collection<String> known) {
        for (Map.Entry<String, ConfigNode> entry : entries().entrySet()) {
            if (!known.contains(entry.getKey())) {
                throw entry.getValue()
                        .error("unknown field (known fields: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /**
     * A child of this mapping.
     *
     * @param key the field name
     * @return the child, or empty when absent or null
     */
    public Optional<ConfigNode> child(String key) {
        ConfigNode child = entries().get(key);
        return child == null || child.isNull() ? Optional.empty() : Optional.of(child);
    }

    /**
     * A required child of this mapping.
     *
     * @param key the field name
     * @return the child
     * @throws ConfigException when absent
     */
    public ConfigNode required(String key) {
        return child(key).orElseThrow(() -> new ConfigException(location, childPath(key), "is required"));
    }

    /**
     * This node as a plain scalar.
     *
     * @return the scalar text
     * @throws ConfigException when this is a mapping or list
     */
    public String scalar() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("must be a single value, got " + describe());
        }
        return scalar.getValue();
    }

    /**
     * A required, non-blank string field.
     *
     * @param key the field name
     * @return the value
     */
    public String string(String key) {
        ConfigNode child = required(key);
        String value = child.scalar();
        if (value.isBlank()) {
            throw child.error("must not be empty");
        }
        return value;
    }

    /**
     * An optional string field.
     *
     * @param key the field name
     * @param defaultValue the value when absent
     * @return the value or the default
     */
    public String string(String key, String defaultValue) {
        return child(key).map(ConfigNode::scalar).orElse(defaultValue);
    }

    /**
     * An optional integer field within bounds.
     *
     * @param key the field name
     * @param defaultValue the value when absent
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @return the value or the default
     */
    public int integer(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    /**
     * An optional long field within bounds.
     *
     * @param key the field name
     * @param defaultValue the value when absent
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @return the value or the default
     */
    public long longValue(String key, long defaultValue, long min, long max) {
        Optional<ConfigNode> child = child(key);
        if (child.isEmpty()) {
            return defaultValue;
        }
        String text = child.get().scalar().trim();
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw child.get().error("must be an integer from " + min + " to " + max + ", got '" + text + "'");
    }

    /**
     * An optional size field: a byte count, or a number with a unit ({@code 512k}, {@code 4Mi}, {@code 1G}).
     *
     * @param key the field name
     * @param defaultValue the value when absent
     * @param min the smallest allowed size in bytes
     * @param max the largest allowed size in bytes
     * @return the size in bytes
     */
    public long sizeBytes(String key, long defaultValue, long min, long max) {
        Optional<ConfigNode> child = child(key);
        if (child.isEmpty()) {
            return defaultValue;
        }
        String text = child.get().scalar().trim();
        long value = Sizes.parse(text);
        if (value < 0 || value < min || value > max) {
            throw child.get()
                    .error("must be a size from " + min + " to " + max + " bytes (e.g. 4Mi), got '" + text + "'");
        }
        return value;
    }

    /**
     * An optional boolean field.
     *
     * @param key the field name
     * @param defaultValue the value when absent
     * @return the value or the default
     */
    public boolean bool(String key, boolean defaultValue) {
        Optional<ConfigNode> child = child(key);
        if (child.isEmpty()) {
            return defaultValue;
        }
        String text = child.get().scalar().trim();
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw child.get().error("must be true or false, got '" + text + "'");
        };
    }

    /**
     * An optional duration field ({@code 500ms}, {@code 30s}, {@code 1m}).
     *
     * @param key the field name
     * @param defaultValue the value when absent
     * @return the value or the default
     */
    public Duration duration(String key, Duration defaultValue) {
        Optional<ConfigNode> child = child(key);
        if (child.isEmpty()) {
            return defaultValue;
        }
        try {
            return Durations.parse(child.get().scalar());
        } catch (IllegalArgumentException e) {
            throw child.get().error(e.getMessage());
        }
    }

    /**
     * The elements of a list.
     *
     * @return the elements in order
     * @throws ConfigException when this is not a list
     */
    public List<ConfigNode> elements() {
        if (!(node instanceof SequenceNode sequence)) {
            throw error("must be a list, got " + describe());
        }
        List<ConfigNode> elements = new ArrayList<>();
        List<Node> values = sequence.getValue();
        for (int i = 0; i < values.size(); i++) {
            elements.add(new ConfigNode(values.get(i), path + "[" + i + "]", location.source()));
        }
        return elements;
    }

    /**
     * A mapping of string values, e.g. labels.
     *
     * @return keys to scalar values, in file order
     */
    public Map<String, String> stringMap() {
        Map<String, String> values = new LinkedHashMap<>();
        entries().forEach((key, value) -> values.put(key, value.scalar()));
        return values;
    }

    /** @return whether this node is a mapping */
    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    /** @return whether this node is a list */
    public boolean isSequence() {
        return node instanceof SequenceNode;
    }

    private boolean isNull() {
        return node instanceof ScalarNode scalar
                && "tag:yaml.org,2002:null".equals(scalar.getTag().getValue());
    }

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private String describe() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }
}
