package io.nucleon.binding.redis;

import io.nucleon.config.ConfigException;
import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.spi.DataBindingContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

/**
 * The attributes of a {@code redis} data binding, validated, with their defaults filled in. The user, password
 * and database may come from the URL or from their own attributes (or secrets), not both.
 *
 * <p>{@link #toString()} never shows the password.
 *
 * @param url where Redis is (with user and database folded in; the password is kept apart)
 * @param username the ACL user; empty for Redis's {@code default} user
 * @param password the password; empty when Redis needs none
 * @param database the database number ({@code SELECT})
 * @param connectTimeout the longest a TCP (and TLS) connect may take
 * @param socketTimeout the longest a command waits for its answer; also the longest a command waits for a free
 *     pooled connection, and the heartbeat interval of subscriptions
 * @param maxTotal the most connections in the pool (subscriptions have their own)
 */
record RedisBindingConfig(
        RedisUrl url,
        Optional<String> username,
        Optional<String> password,
        int database,
        Duration connectTimeout,
        Duration socketTimeout,
        int maxTotal) {

    /** Default of {@code connectTimeout}: 5 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default of {@code socketTimeout}: 5 s. */
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(5);
    /** Default of {@code maxTotal}: {@value}. */
    public static final int DEFAULT_MAX_TOTAL = 16;
    /** Default of {@code database} when neither the attribute nor the URL sets it: {@value}. */
    public static final int DEFAULT_DATABASE = 0;
    /** The longest {@code connectTimeout} and {@code socketTimeout}: 10 min. */
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    /** The largest {@code maxTotal}: {@value}. */
    static final int MAX_TOTAL_LIMIT = 10_000;

    /** The attributes this kind reads. */
    static final List<String> ATTRIBUTES =
            List.of("url", "username", "password", "database", "connectTimeout", "socketTimeout", "maxTotal");
    /** The attributes a secret may supply. */
    static final List<String> SECRET_ATTRIBUTES = List.of("url", "username", "password");

    /**
     * Reads and validates the binding's attributes and secrets.
     *
     * @param context the binding's configuration and secrets
     * @return the configuration
     * @throws ConfigException naming the bad attribute and its line, never a secret's value
     */
    static RedisBindingConfig from(DataBindingContext context) {
        context.rejectUnknown(ATTRIBUTES);
        context.config().secrets().forEach((name, secret) -> {
            if (!SECRET_ATTRIBUTES.contains(name)) {
                throw secret.node().error("cannot be a secret; only " + String.join(", ", SECRET_ATTRIBUTES) + " can");
            }
        });
        ConfigNode attributes = context.attributes();
        RedisUrl url = url(context);
        Optional<String> username = oneOf(context, "username", url.username());
        Optional<String> password = oneOf(context, "password", url.password());
        if (username.isPresent() && password.isEmpty()) {
            throw where(context, "username").error("needs a password (as a secret, or in the url)");
        }
        int database = database(attributes, url.database());
        return new RedisBindingConfig(
                new RedisUrl(url.tls(), url.host(), url.port(), username, Optional.empty(), OptionalInt.of(database)),
                username,
                password,
                database,
                timeout(attributes, "connectTimeout", DEFAULT_CONNECT_TIMEOUT),
                timeout(attributes, "socketTimeout", DEFAULT_SOCKET_TIMEOUT),
                attributes.integer("maxTotal", DEFAULT_MAX_TOTAL, 1, MAX_TOTAL_LIMIT));
    }

    private static RedisUrl url(DataBindingContext context) {
        String text = context.value("url");
        try {
            return RedisUrl.parse(text);
        } catch (IllegalArgumentException e) {
            if (context.isSecret("url")) {
                // A URL that does not parse may not be redacted properly either: show none of it.
                throw where(context, "url")
                        .error("is not a valid Redis URL (its value is not shown); expected " + RedisUrl.SHAPE);
            }
            throw where(context, "url").error(e.getMessage());
        }
    }

    /** A setting that the URL may carry too; given twice, it is an error rather than a silent choice. */
    private static Optional<String> oneOf(DataBindingContext context, String name, Optional<String> fromUrl) {
        Optional<String> own = context.optionalValue(name).filter(value -> !value.isEmpty());
        if (own.isPresent() && fromUrl.isPresent()) {
            throw where(context, name)
                    .error("is given twice, here and in the url; keep one"
                            + (name.equals("password") ? " (a password belongs in secrets)" : ""));
        }
        return own.isPresent() ? own : fromUrl;
    }

    private static int database(ConfigNode attributes, OptionalInt fromUrl) {
        if (attributes.child("database").isPresent() && fromUrl.isPresent()) {
            throw attributes
                    .required("database")
                    .error("is given twice, here and as the url's path (/" + fromUrl.getAsInt() + "); keep one");
        }
        return attributes.integer("database", fromUrl.orElse(DEFAULT_DATABASE), 0, Integer.MAX_VALUE);
    }

    private static Duration timeout(ConfigNode attributes, String key, Duration defaultValue) {
        Duration value = attributes.duration(key, defaultValue);
        if (value.toMillis() < 1 || value.compareTo(MAX_TIMEOUT) > 0) {
            throw attributes.required(key).error("must be from 1ms to " + MAX_TIMEOUT.toMinutes() + "m");
        }
        return value;
    }

    /** The attribute's node, or the secret's when a secret supplies it, for errors that point at the right line. */
    private static ConfigNode where(DataBindingContext context, String name) {
        if (context.isSecret(name)) {
            return context.config().secrets().get(name).node();
        }
        return context.attributes().child(name).orElse(context.attributes());
    }

    /** @return where Redis is */
    HostAndPort hostAndPort() {
        return new HostAndPort(url.host(), url.port());
    }

    /**
     * @param clientName the connections' name in Redis's {@code CLIENT LIST}
     * @return the settings of every connection the binding opens
     */
    JedisClientConfig clientConfig(String clientName) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) connectTimeout.toMillis())
                .socketTimeoutMillis((int) socketTimeout.toMillis())
                .database(database)
                .clientName(clientName);
        username.ifPresent(builder::user);
        password.ifPresent(builder::password);
        if (url.tls()) {
            // The JVM's trust store, and the certificate must name the host (FULL: chain and host name).
            builder.sslOptions(
                    SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL).build());
        }
        return builder.build();
    }

    /**
     * @param clientName the connections' name in {@code CLIENT LIST}
     * @return the settings of a subscription's connection: a read gives up after three heartbeats without an answer
     */
    JedisClientConfig subscriptionConfig(String clientName) {
        return DefaultJedisClientConfig.builder()
                .from(clientConfig(clientName))
                .blockingSocketTimeoutMillis((int) heartbeatTimeout().toMillis())
                .build();
    }

    /** @return how often a subscription pings Redis to prove its connection is alive */
    Duration heartbeatInterval() {
        return socketTimeout;
    }

    /** @return how long a subscription waits for anything (a message, a pong) before it reconnects */
    Duration heartbeatTimeout() {
        return socketTimeout.multipliedBy(3);
    }

    /** @return the pool's settings: {@code maxTotal} connections, all kept when idle, bounded waits for one */
    ConnectionPoolConfig poolConfig() {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(maxTotal);
        pool.setMaxIdle(maxTotal);
        pool.setMaxWait(socketTimeout);
        return pool;
    }

    @Override
    public String toString() {
        return "RedisBindingConfig[url=" + url.redacted() + ", password=" + (password.isPresent() ? "****" : "none")
                + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout + ", maxTotal=" + maxTotal
                + "]";
    }
}
