package io.nucleon.binding.kafka;

import io.nucleon.config.ConfigNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * What the binding lets through to the Kafka producer, as Kafka's own definition of its producer properties says:
 * the {@code producer} attribute takes any producer property except those the typed attributes set, the
 * serializers, {@code transactional.id} and passwords; secrets take only the passwords. Kafka prints its
 * configuration at start and hides exactly its password properties, so a secret never reaches the log.
 */
final class ProducerProperties {

    private static final Map<String, ConfigDef.ConfigKey> KEYS =
            ProducerConfig.configDef().configKeys();

    /** Kafka's producer properties of type password, in name order: the only ones secrets may supply. */
    static final Set<String> PASSWORDS = passwords();

    /** Producer properties the typed attributes set, with the attribute to use instead. */
    private static final Map<String, String> TYPED = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "brokers",
            ProducerConfig.ACKS_CONFIG, "acks",
            ProducerConfig.LINGER_MS_CONFIG, "linger",
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "compression",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "idempotence");

    private ProducerProperties() {}

    /**
     * @param name an attribute name that is not one of the binding's own
     * @return whether it is a Kafka producer property, to tell a user who wrote one at the wrong level
     */
    static boolean isProducerProperty(String name) {
        return KEYS.containsKey(name);
    }

    /**
     * Reads the {@code producer} attribute: a mapping of Kafka producer properties to values, each checked
     * against Kafka's definition so that a wrong one fails with its line.
     *
     * @param producer the mapping
     * @return the properties, in file order
     * @throws io.nucleon.config.ConfigException naming the first property that is refused or has a bad value
     */
    static Map<String, String> read(ConfigNode producer) {
        Map<String, String> properties = new LinkedHashMap<>();
        producer.entries().forEach((name, value) -> {
            refuse(name, value);
            properties.put(name, parse(name, value));
        });
        return properties;
    }

    /**
     * @param name a Kafka producer property
     * @param value where it is set
     * @throws io.nucleon.config.ConfigException when the binding does not let it be set there
     */
    static void refuse(String name, ConfigNode value) {
        String problem = null;
        if (TYPED.containsKey(name)) {
            problem = "is set by the binding's '" + TYPED.get(name) + "' attribute; use that";
        } else if (name.equals(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG)
                || name.equals(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)) {
            problem = "cannot be changed: the binding sends byte arrays (or text as UTF-8); serialize in the function";
        } else if (name.equals(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
            problem = "is not supported: all workers share one producer, and a producer runs one transaction at a"
                    + " time";
        } else if (PASSWORDS.contains(name)) {
            problem = "is a password: give it in the binding's secrets (" + name + ": {env: VARIABLE}), never in"
                    + " function.yaml";
        } else if (!KEYS.containsKey(name)) {
            problem = "is not a Kafka producer property (see https://kafka.apache.org/documentation/#producerconfigs)";
        }
        if (problem != null) {
            throw value.error(problem);
        }
    }

    /** Kafka would refuse a bad value when the producer is made; checking here names the line. */
    private static String parse(String name, ConfigNode node) {
        String text = node.scalar().trim();
        ConfigDef.ConfigKey key = KEYS.get(name);
        try {
            Object value = ConfigDef.parseType(name, text, key.type);
            if (key.validator != null) {
                key.validator.ensureValid(name, value);
            }
        } catch (ConfigException e) {
            throw node.error(e.getMessage());
        }
        return text;
    }

    private static Set<String> passwords() {
        Set<String> names = new TreeSet<>();
        KEYS.forEach((name, key) -> {
            if (key.type == ConfigDef.Type.PASSWORD) {
                names.add(name);
            }
        });
        return Collections.unmodifiableSet(names);
    }
}
