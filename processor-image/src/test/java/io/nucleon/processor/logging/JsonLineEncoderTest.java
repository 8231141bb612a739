package io.nucleon.processor.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonLineEncoderTest {

    private final LoggerContext context = new LoggerContext();
    private final JsonLineEncoder encoder = new JsonLineEncoder();

    @Test
    void shouldWriteOneJsonObjectPerLineWithKeyValuesAsFields() {
        LoggingEvent event = event("order \"stored\"\nnext line");
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("orderId", 42));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("customer", "ada"));

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("}\n").doesNotContain("\nnext");
        assertThat(line.strip().lines()).hasSize(1);
        assertThat(line)
                .startsWith("{\"time\":\"")
                .contains("\"level\":\"info\"")
                .contains("\"logger\":\"test.logger\"")
                .contains("\"message\":\"order \\\"stored\\\"\\nnext line\"")
                .contains("\"orderId\":42")
                .contains("\"customer\":\"ada\"");
    }

    @Test
    void shouldIncludeTheStackTraceOfAnError() {
        LoggingEvent event = event("failed");
        event.setThrowableProxy(new ch.qos.logback.classic.spi.ThrowableProxy(new IllegalStateException("boom")));

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).contains("\"error\":\"java.lang.IllegalStateException: boom\\n\\tat ");
    }

    private LoggingEvent event(String message) {
        LoggingEvent event = new LoggingEvent();
        event.setLoggerContext(context);
        event.setLoggerName("test.logger");
        event.setLevel(Level.INFO);
        event.setThreadName("main");
        event.setMessage(message);
        event.setTimeStamp(1_795_877_917_437L);
        return event;
    }
}
