package io.nucleon.testing.kafka;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The broker JVM's classpath. The build writes it (maven-dependency-plugin build-classpath) into two
 * resources next to this class, because the broker's jars are 'provided' dependencies that must not
 * reach the classpath of the tests using this module.
 */
final class BrokerClasspath {
    private static final List<String> RESOURCES = List.of("clients.classpath", "broker.classpath");
    private static final String REBUILD_HINT =
            "build it with 'mvn -pl testing/kafka-broker -am install -DskipTests' from the Nucleon root";

    private BrokerClasspath() {}

    /** This module's own classes first (for {@link KafkaBrokerProcess}), then the broker's jars. */
    static String load() {
        List<String> entries = new ArrayList<>();
        entries.add(ownLocation().toString());
        for (String resource : RESOURCES) {
            entries.addAll(read(resource));
        }
        entries.stream()
                .filter(entry -> !Files.exists(Path.of(entry)))
                .findFirst()
                .ifPresent(missing -> {
                    throw new IllegalStateException(
                            "Kafka broker classpath entry " + missing + " does not exist; " + REBUILD_HINT + ".");
                });
        return String.join(File.pathSeparator, entries);
    }

    private static List<String> read(String resource) {
        try (InputStream in = BrokerClasspath.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Resource io/nucleon/testing/kafka/" + resource
                        + " is missing from the classpath, so the Kafka broker cannot be started; " + REBUILD_HINT
                        + ".");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.stream(text.split(File.pathSeparator + "|\\R"))
                    .map(String::strip)
                    .filter(entry -> !entry.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read resource " + resource + ": " + e.getMessage(), e);
        }
    }

    private static Path ownLocation() {
        try {
            return Path.of(BrokerClasspath.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the nucleon-testing-kafka classes: " + e.getMessage(), e);
        }
    }
}
