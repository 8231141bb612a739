package io.nucleon.processor.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.event.KeyValuePair;

/**
 * Writes each log event as one JSON object per line:
 *
 * <pre>{"time":"2026-11-28T10:15:30.123Z","level":"info","logger":"...","thread":"...","message":"...","key":"value"}</pre>
 *
 * Key/value pairs (SLF4J's fluent API, and the function {@code Logger}'s arguments) become top-level
 * fields; an exception becomes {@code "error"} with its stack trace.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    private static final byte[] EMPTY = new byte[0];

    @Override
    public byte[] headerBytes() {
        return EMPTY;
    }

    @Override
    public byte[] footerBytes() {
        return EMPTY;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"time\":\"")
                .append(Instant.ofEpochMilli(event.getTimeStamp()))
                .append('"');
        field(json, "level", event.getLevel().toString().toLowerCase(Locale.ROOT));
        field(json, "logger", event.getLoggerName());
        field(json, "thread", event.getThreadName());
        field(json, "message", event.getFormattedMessage());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                value(json, pair.key, pair.value);
            }
        }
        IThrowableProxy error = event.getThrowableProxy();
        if (error != null) {
            field(json, "error", ThrowableProxyUtil.asString(error));
        }
        return json.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void value(StringBuilder json, String key, Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            json.append(",\"");
            escape(json, key);
            json.append("\":").append(value);
        } else {
            field(json, key, String.valueOf(value));
        }
    }

    private static void field(StringBuilder json, String key, String value) {
        json.append(",\"");
        escape(json, key);
        json.append("\":\"");
        escape(json, value == null ? "" : value);
        json.append('"');
    }

    private static void escape(StringBuilder json, String text) {
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
    }
}
