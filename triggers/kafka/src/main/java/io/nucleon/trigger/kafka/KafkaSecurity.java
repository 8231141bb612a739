package io.nucleon.trigger.kafka;

import io.nucleon.config.ConfigNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns Nuclio's {@code sasl{...}} and {@code tls{...}} attributes into Kafka client properties, shared
 * by the consumer and the dead-letter producer.
 *
 * <pre>{@code
 * sasl:
 *   enable: true
 *   mechanism: SCRAM-SHA-512      # PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
 *   user: alice
 *   password: secret
 * tls:
 *   enable: true
 *   caCertFile: /etc/kafka/ca.pem        # PEM; trusts the broker's certificate
 *   certFile: /etc/kafka/client.pem      # PEM; for mutual TLS, with keyFile
 *   keyFile: /etc/kafka/client.key
 *   insecureSkipVerify: false            # true skips host name verification
 * }</pre>
 */
final class KafkaSecurity {

    private static final List<String> SASL_FIELDS = List.of("enable", "mechanism", "user", "password");
    private static final List<String> TLS_FIELDS =
            List.of("enable", "caCertFile", "certFile", "keyFile", "insecureSkipVerify");
    private static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private KafkaSecurity() {}

    static Map<String, String> properties(ConfigNode attributes) {
        Map<String, String> properties = new LinkedHashMap<>();
        boolean tls = attributes.child("tls").map(node -> tls(node, properties)).orElse(false);
        boolean sasl =
                attributes.child("sasl").map(node -> sasl(node, properties)).orElse(false);
        if (tls || sasl) {
            properties.put("security.protocol", (sasl ? "SASL_" : "") + (tls ? "SSL" : "PLAINTEXT"));
        }
        return properties;
    }

    private static boolean sasl(ConfigNode node, Map<String, String> properties) {
        node.rejectUnknown(SASL_FIELDS);
        if (!node.bool("enable", true)) {
            return false;
        }
        String mechanism = node.string("mechanism", "PLAIN");
        if (!MECHANISMS.contains(mechanism)) {
            throw node.required("mechanism")
                    .error("must be one of " + String.join(", ", MECHANISMS) + ", got '" + mechanism + "'");
        }
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        properties.put("sasl.mechanism", mechanism);
        properties.put(
                "sasl.jaas.config",
                module + " required username=\"" + quoted(node.string("user")) + "\" password=\""
                        + quoted(node.string("password")) + "\";");
        return true;
    }

    private static boolean tls(ConfigNode node, Map<String, String> properties) {
        node.rejectUnknown(TLS_FIELDS);
        if (!node.bool("enable", true)) {
            return false;
        }
        node.child("caCertFile").ifPresent(file -> {
            properties.put("ssl.truststore.type", "PEM");
            properties.put("ssl.truststore.certificates", read(file));
        });
        if (node.child("certFile").isPresent() != node.child("keyFile").isPresent()) {
            throw node.error("certFile and keyFile go together (mutual TLS needs both)");
        }
        node.child("certFile").ifPresent(cert -> {
            properties.put("ssl.keystore.type", "PEM");
            properties.put("ssl.keystore.certificate.chain", read(cert));
            properties.put("ssl.keystore.key", read(node.required("keyFile")));
        });
        if (node.bool("insecureSkipVerify", false)) {
            properties.put("ssl.endpoint.identification.algorithm", "");
        }
        return true;
    }

    private static String read(ConfigNode file) {
        Path path = Path.of(file.scalar());
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw file.error("cannot read " + path + ": " + e.getMessage());
        }
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
