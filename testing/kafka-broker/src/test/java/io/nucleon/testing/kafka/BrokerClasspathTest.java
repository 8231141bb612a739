package io.nucleon.testing.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerClasspathTest {

    @Test
    void shouldHoldTheBrokerItsClientsAndItsLogBindingButNotJUnit() {
        List<String> entries = List.of(BrokerClasspath.load().split(File.pathSeparator));

        assertThat(entries)
                .anyMatch(entry -> entry.contains("kafka_2.13-"))
                .anyMatch(entry -> entry.contains("kafka-clients-"))
                .anyMatch(entry -> entry.contains("log4j-slf4j2-impl-"))
                .noneMatch(entry -> entry.contains("junit"))
                .noneMatch(entry -> entry.contains("logback"));
    }
}
