package io.nucleon.trigger.rabbitmq;

import com.rabbitmq.client.AMQP;
import io.nucleon.runtime.dispatch.EventAdapter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A RabbitMQ delivery as the function's event: the body is a read-only view over the bytes the client
 * delivered, the topic is the routing key, {@code timestampMillis} the {@code timestamp} property when the
 * publisher set one, and {@code contentType} the {@code content-type} property.
 *
 * <p>Headers are the message's AMQP headers (case-sensitive names, values as text: strings as they are,
 * numbers and booleans in decimal, timestamps as ISO-8601, nested tables and arrays as Java renders them)
 * plus the delivery's properties under names of their own: {@code amqp-message-id}, {@code
 * amqp-correlation-id}, {@code amqp-reply-to}, {@code amqp-type}, {@code amqp-app-id}, {@code amqp-user-id},
 * {@code amqp-content-encoding}, {@code amqp-priority}, {@code amqp-delivery-mode}, {@code amqp-expiration}
 * (each when set), {@code amqp-exchange}, {@code amqp-routing-key} and {@code amqp-redelivered} ({@code true}
 * or {@code false}). A property shadows an AMQP header of the same name.
 */
final class RabbitMessageAdapter implements EventAdapter<RabbitMessage> {

    static final RabbitMessageAdapter INSTANCE = new RabbitMessageAdapter();

    private static final String[] PROPERTY_HEADERS = {
        "amqp-message-id",
        "amqp-correlation-id",
        "amqp-reply-to",
        "amqp-type",
        "amqp-app-id",
        "amqp-user-id",
        "amqp-content-encoding",
        "amqp-priority",
        "amqp-delivery-mode",
        "amqp-expiration",
        "amqp-exchange",
        "amqp-routing-key",
        "amqp-redelivered"
    };

    private RabbitMessageAdapter() {}

    @Override
    public ByteBuffer body(RabbitMessage message) {
        return ByteBuffer.wrap(message.body()).asReadOnlyBuffer();
    }

    @Override
    public int bodySize(RabbitMessage message) {
        return message.body().length;
    }

    @Override
    public String contentType(RabbitMessage message) {
        String type = message.properties().getContentType();
        return type == null ? "" : type;
    }

    @Override
    public String header(RabbitMessage message, String name) {
        if (name.startsWith("amqp-")) {
            String property = property(message, name);
            if (property != null) {
                return property;
            }
        }
        Map<String, Object> headers = message.properties().getHeaders();
        if (headers == null || !headers.containsKey(name)) {
            return null;
        }
        Object value = headers.get(name);
        return value == null ? "" : text(value);
    }

    @Override
    public Map<String, String> headers(RabbitMessage message) {
        Map<String, String> all = new LinkedHashMap<>();
        Map<String, Object> headers = message.properties().getHeaders();
        if (headers != null) {
            headers.forEach((name, value) -> all.put(name, value == null ? "" : text(value)));
        }
        for (String name : PROPERTY_HEADERS) {
            String value = property(message, name);
            if (value != null) {
                all.put(name, value);
            }
        }
        return Collections.unmodifiableMap(all);
    }

    private static String property(RabbitMessage message, String name) {
        AMQP.BasicProperties properties = message.properties();
        return switch (name) {
            case "amqp-message-id" -> properties.getMessageId();
            case "amqp-correlation-id" -> properties.getCorrelationId();
            case "amqp-reply-to" -> properties.getReplyTo();
            case "amqp-type" -> properties.getType();
            case "amqp-app-id" -> properties.getAppId();
            case "amqp-user-id" -> properties.getUserId();
            case "amqp-content-encoding" -> properties.getContentEncoding();
            case "amqp-priority" -> text(properties.getPriority());
            case "amqp-delivery-mode" -> text(properties.getDeliveryMode());
            case "amqp-expiration" -> properties.getExpiration();
            case "amqp-exchange" -> message.envelope().getExchange();
            case "amqp-routing-key" -> message.envelope().getRoutingKey();
            case "amqp-redelivered" -> message.envelope().isRedeliver() ? "true" : "false";
            default -> null;
        };
    }

    /** @return a header or property value as text, or {@code null} for a property that is not set */
    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        return value.toString(); // LongString renders as UTF-8 text
    }

    @Override
    public long timestampMillis(RabbitMessage message) {
        Date timestamp = message.properties().getTimestamp();
        return timestamp == null ? -1 : timestamp.getTime();
    }

    @Override
    public String topic(RabbitMessage message) {
        return message.envelope().getRoutingKey();
    }
}
