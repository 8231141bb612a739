package io.nucleon.binding.kafka;

import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.spi.DataBindingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The attributes of a {@code kafka} data binding, validated, with Kafka's password properties from its secrets.
 *
 * @param bootstrapServers the brokers the producer first asks for metadata, {@code host:port}
 * @param topic the topic of {@code send(key, value)}; empty when the binding has none
 * @param acks {@code all}, {@code 0} or {@code 1} ({@code -1} is read as {@code all})
 * @param linger how long the producer waits to fill a batch before sending it
 * @param compression {@code none}, {@code gzip}, {@code snappy}, {@code lz4} or {@code zstd}
 * @param idempotence whether the producer writes each record once, in order, through its own retries
 * @param producerProperties raw producer properties from the {@code producer} attribute, applied after the
 *     binding's defaults
 * @param secretProperties Kafka password properties from the binding's secrets; never printed
 */
record KafkaBindingConfig(
        List<String> bootstrapServers,
        Optional<String> topic,
        String acks,
        Duration linger,
        String compression,
        boolean idempotence,
        Map<String, String> producerProperties,
        Map<String, String> secretProperties) {

    /** Default of {@code acks}: {@value}, every in-sync replica has the record. */
    static final String DEFAULT_ACKS = "all";
    /** Default of {@code linger}: 5 ms, so that the records of concurrent workers share batches. */
    static final Duration DEFAULT_LINGER = Duration.ofMillis(5);
    /** Default of {@code compression}: {@value}. */
    static final String DEFAULT_COMPRESSION = "none";
    /**
     * Default of {@code max.block.ms} (Kafka's is 60 s): the longest a send waits for a topic's metadata or for room
     * in the buffer, and the longest the start-up check waits for the default topic's metadata.
     */
    static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(10);

    /** The binding's own attributes. */
    static final List<String> ATTRIBUTES =
            List.of("url", "brokers", "topic", "acks", "linger", "compression", "idempotence", "producer");

    private static final List<String> ACKS = List.of("all", "-1", "0", "1");
    private static final List<String> COMPRESSIONS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    private static final Pattern HOST_PORT = Pattern.compile("([A-Za-z0-9._-]+|\\[[0-9A-Za-z:.%]+\\]):(\\d{1,5})");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    KafkaBindingConfig {
        bootstrapServers = List.copyOf(bootstrapServers);
        producerProperties = Collections.unmodifiableMap(new LinkedHashMap<>(producerProperties));
        secretProperties = Collections.unmodifiableMap(new LinkedHashMap<>(secretProperties));
    }

    /**
     * Reads and validates the binding's attributes and secrets.
     *
     * @param context the binding's configuration and secrets
     * @return the configuration
     * @throws io.nucleon.config.ConfigException naming the bad attribute or secret and its line
     */
    static KafkaBindingConfig from(DataBindingContext context) {
        ConfigNode attributes = context.attributes();
        rejectUnknown(context);
        String acks = oneOf(attributes, "acks", DEFAULT_ACKS, ACKS);
        acks = acks.equals("-1") ? "all" : acks;
        return new KafkaBindingConfig(
                bootstrapServers(attributes),
                topic(attributes),
                acks,
                attributes.duration("linger", DEFAULT_LINGER),
                oneOf(attributes, "compression", DEFAULT_COMPRESSION, COMPRESSIONS),
                idempotence(attributes, acks),
                attributes.child("producer").map(ProducerProperties::read).orElse(Map.of()),
                secretProperties(context));
    }

    /**
     * The Kafka producer's configuration: the binding's defaults ({@code client.id}, {@code max.block.ms}), then
     * the {@code producer} attribute, then the typed attributes and the secrets.
     *
     * @param defaultClientId the {@code client.id} unless the {@code producer} attribute sets one
     * @return the properties for {@code new KafkaProducer}
     */
    Map<String, Object> producerConfig(String defaultClientId) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, defaultClientId);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(DEFAULT_MAX_BLOCK.toMillis()));
        config.putAll(producerProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
        config.put(ProducerConfig.ACKS_CONFIG, acks);
        config.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger.toMillis()));
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotence));
        config.putAll(secretProperties);
        return config;
    }

    /**
     * The configuration of the short-lived Admin client of the start-up check: the producer's connection and
     * security properties, under its own {@code client.id}.
     *
     * @param producerConfig what {@link #producerConfig} returned
     * @return the properties for {@code Admin.create}
     */
    static Map<String, Object> adminConfig(Map<String, Object> producerConfig) {
        Set<String> known = AdminClientConfig.configNames();
        Map<String, Object> config = new LinkedHashMap<>();
        producerConfig.forEach((name, value) -> {
            if (known.contains(name)) {
                config.put(name, value);
            }
        });
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, producerConfig.get(ProducerConfig.CLIENT_ID_CONFIG) + "-check");
        return config;
    }

    /** @return how long a send may wait for metadata: {@code max.block.ms} */
    Duration maxBlock() {
        String set = producerProperties.get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        return set == null ? DEFAULT_MAX_BLOCK : Duration.ofMillis(Long.parseLong(set));
    }

    /** Names the secret properties without their values. */
    @Override
    public String toString() {
        return "KafkaBindingConfig[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", acks=" + acks
                + ", linger=" + linger + ", compression=" + compression + ", idempotence=" + idempotence
                + ", producerProperties=" + producerProperties + ", secretProperties=" + secretProperties.keySet()
                + "]";
    }

    /**
     * Attributes and secrets take different names here (secrets only Kafka's passwords), so each is checked on
     * its own, with a hint for a Kafka property written at the wrong place.
     */
    private static void rejectUnknown(DataBindingContext context) {
        context.attributes().entries().forEach((name, node) -> {
            if (ATTRIBUTES.contains(name)) {
                return;
            }
            if (ProducerProperties.isProducerProperty(name)) {
                ProducerProperties.refuse(name, node);
                throw node.error(
                        "is a Kafka producer property: put it under 'producer' (producer: {" + name + ": ...})");
            }
            throw node.error("unknown field (known fields: " + String.join(", ", new TreeSet<>(ATTRIBUTES)) + ")");
        });
        context.config().secrets().forEach((name, secret) -> {
            if (!ProducerProperties.PASSWORDS.contains(name)) {
                throw secret.node()
                        .error("is not a secret a kafka binding takes: secrets supply Kafka's password properties ("
                                + String.join(", ", ProducerProperties.PASSWORDS)
                                + "); a SASL user and password go together in sasl.jaas.config");
            }
        });
    }

    /** {@code brokers} as Nuclio's Kafka trigger writes it (a list or a comma-separated string), or {@code url}. */
    private static List<String> bootstrapServers(ConfigNode attributes) {
        Optional<ConfigNode> url = attributes.child("url");
        Optional<ConfigNode> brokers = attributes.child("brokers");
        if (url.isPresent() && brokers.isPresent()) {
            throw brokers.get().error("is set together with url; keep one (both name the bootstrap servers)");
        }
        ConfigNode node = url.or(() -> brokers)
                .orElseThrow(() -> attributes.error(
                        "'brokers' (or 'url') is required: the Kafka bootstrap servers, e.g. [kafka-0:9092]"));
        List<String> servers = new ArrayList<>();
        if (node.isSequence()) {
            node.elements()
                    .forEach(element ->
                            servers.add(hostPort(element, element.scalar().trim())));
        } else {
            Arrays.stream(node.scalar().split(","))
                    .map(String::trim)
                    .filter(server -> !server.isEmpty())
                    .forEach(server -> servers.add(hostPort(node, server)));
        }
        if (servers.isEmpty()) {
            throw node.error("must name at least one broker, host:port");
        }
        return servers;
    }

    private static String hostPort(ConfigNode node, String server) {
        var matcher = HOST_PORT.matcher(server);
        if (!matcher.matches() || Integer.parseInt(matcher.group(2)) > 65_535) {
            // A URL with user information would carry a password: never echo it.
            String got = server.contains("@") ? "" : ", got '" + server + "'";
            throw node.error("must be host:port, e.g. kafka-0:9092" + got);
        }
        return server;
    }

    private static Optional<String> topic(ConfigNode attributes) {
        Optional<ConfigNode> node = attributes.child("topic");
        node.ifPresent(topic -> {
            if (!TOPIC.matcher(topic.scalar()).matches()) {
                throw topic.error("must be a Kafka topic name (letters, digits, '.', '_', '-'; at most 249), got '"
                        + topic.scalar() + "'");
            }
        });
        return node.map(ConfigNode::scalar);
    }

    /** Kafka's idempotent producer needs acks=all; like Kafka, the default follows acks, an explicit true fails. */
    private static boolean idempotence(ConfigNode attributes, String acks) {
        Optional<ConfigNode> node = attributes.child("idempotence");
        boolean idempotence = attributes.bool("idempotence", acks.equals("all"));
        if (node.isPresent() && idempotence && !acks.equals("all")) {
            throw node.get()
                    .error("needs acks: all (the idempotent producer waits for every in-sync replica); set"
                            + " idempotence: false to use acks: " + acks);
        }
        return idempotence;
    }

    private static Map<String, String> secretProperties(DataBindingContext context) {
        Map<String, String> properties = new LinkedHashMap<>();
        context.config().secrets().keySet().forEach(name -> properties.put(name, context.value(name)));
        return properties;
    }

    private static String oneOf(ConfigNode node, String key, String defaultValue, List<String> allowed) {
        String value = node.string(key, defaultValue).trim();
        if (!allowed.contains(value)) {
            throw node.required(key).error("must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return value;
    }
}
