package io.nucleon.binding.rabbitmq;

import io.nucleon.config.ConfigException;
import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.binding.DataBindings;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.support.rabbitmq.AmqpUrl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The attributes of a {@code rabbit-mq} data binding, read and validated. {@link #toString()} shows the URL
 * without its password.
 *
 * @param url where the broker is and how to log in; its password replaced by the {@code password} secret when
 *     one is given
 * @param exchangeName the exchange {@link RabbitMqBinding#publish(String, byte[])} publishes to; empty for the
 *     default exchange
 * @param confirmTimeout how long a publish waits for the broker's confirm
 * @param connectionTimeout the bound of the TCP connect and of the AMQP handshake, each
 * @param mandatory whether messages are published {@code mandatory}, so that an unroutable one fails the publish
 * @param persistent whether messages without a delivery mode of their own are published persistent (mode 2)
 */
record RabbitMqBindingConfig(
        AmqpUrl url,
        String exchangeName,
        Duration confirmTimeout,
        Duration connectionTimeout,
        boolean mandatory,
        boolean persistent) {

    /** Default of {@code exchangeName}: the default exchange, which routes by queue name. */
    public static final String DEFAULT_EXCHANGE_NAME = "";
    /** Default of {@code confirmTimeout}: 5 s. */
    public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(5);
    /** Default of {@code connectionTimeout}: 5 s. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /**
     * The longest {@code connectionTimeout}: 10 s. The start-up check connects and then shakes hands, each within
     * {@code connectionTimeout}, and gets {@link DataBindings#CHECK_TIMEOUT} in all.
     */
    public static final Duration MAX_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@code mandatory}: {@value}. */
    public static final boolean DEFAULT_MANDATORY = true;
    /** Default of {@code persistent}: {@value}. */
    public static final boolean DEFAULT_PERSISTENT = true;
    /** The longest exchange name AMQP carries (a short string): {@value} bytes. */
    public static final int MAX_EXCHANGE_NAME_BYTES = 255;

    /** The attributes (and secrets) this kind accepts. */
    static final List<String> ATTRIBUTES = List.of(
            "url", "password", "exchangeName", "confirmTimeout", "connectionTimeout", "mandatory", "persistent");

    /**
     * Reads and validates the binding's attributes and secrets.
     *
     * @param context the binding's configuration and secrets
     * @return the configuration
     * @throws ConfigException naming the bad attribute and its line; never showing a secret
     */
    static RabbitMqBindingConfig from(DataBindingContext context) {
        context.rejectUnknown(ATTRIBUTES, List.of("url", "password"));
        ConfigNode attributes = context.attributes();
        if (attributes.child("password").isPresent()) { // a secret of that name is not among the attributes
            throw attributes
                    .required("password")
                    .error("is a secret: give it under secrets (password: {env: VARIABLE} or {file: /path}), "
                            + "not in attributes");
        }
        AmqpUrl url = url(context);
        url = context.optionalValue("password").map(url::withPassword).orElse(url);
        return new RabbitMqBindingConfig(
                url,
                exchangeName(attributes),
                positive(attributes, "confirmTimeout", DEFAULT_CONFIRM_TIMEOUT),
                connectionTimeout(attributes),
                attributes.bool("mandatory", DEFAULT_MANDATORY),
                attributes.bool("persistent", DEFAULT_PERSISTENT));
    }

    /** The URL may be an attribute (or the binding's {@code url}) or a secret; errors never show its password. */
    private static AmqpUrl url(DataBindingContext context) {
        String text = context.value("url");
        try {
            return AmqpUrl.parse(text);
        } catch (IllegalArgumentException e) {
            if (context.isSecret("url")) { // the message quotes the URL, and a secret is never quoted, even masked
                throw context.config()
                        .secrets()
                        .get("url")
                        .node()
                        .error("is not an AMQP URL amqp[s]://user:password@host:port/vhost (not shown: a secret)");
            }
            throw context.attributes().required("url").error(e.getMessage());
        }
    }

    private static String exchangeName(ConfigNode attributes) {
        String name = attributes.string("exchangeName", DEFAULT_EXCHANGE_NAME);
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_EXCHANGE_NAME_BYTES) {
            throw attributes.required("exchangeName").error("must be at most " + MAX_EXCHANGE_NAME_BYTES + " bytes");
        }
        return name;
    }

    private static Duration connectionTimeout(ConfigNode attributes) {
        Duration value = positive(attributes, "connectionTimeout", DEFAULT_CONNECTION_TIMEOUT);
        if (value.compareTo(MAX_CONNECTION_TIMEOUT) > 0) {
            throw attributes
                    .required("connectionTimeout")
                    .error("must be at most " + MAX_CONNECTION_TIMEOUT.toSeconds() + "s: the start-up check connects "
                            + "and shakes hands within it and has " + DataBindings.CHECK_TIMEOUT.toSeconds()
                            + " s in all");
        }
        return value;
    }

    private static Duration positive(ConfigNode attributes, String key, Duration defaultValue) {
        Duration value = attributes.duration(key, defaultValue);
        if (value.compareTo(Duration.ofMillis(1)) < 0) {
            throw attributes.required(key).error("must be at least 1ms");
        }
        return value;
    }
}
