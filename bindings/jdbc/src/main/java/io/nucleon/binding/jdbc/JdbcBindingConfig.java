package io.nucleon.binding.jdbc;

import io.nucleon.config.ConfigException;
import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.spi.DataBindingContext;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The attributes of a {@code jdbc} data binding: where the database is, how to log in, and how the pool (HikariCP)
 * is sized. The names are HikariCP's where it has them.
 *
 * <p>{@link #toString()} never shows the password, in the URL or beside it.
 *
 * @param url the JDBC URL, {@code jdbc:...}; may be given as a secret
 * @param username the login; the driver's default (for PostgreSQL, the URL's {@code user} or the OS user) when empty
 * @param password the password; usually a secret
 * @param driverClassName the driver's class, for drivers that do not register with {@code DriverManager}; empty to
 *     let {@code DriverManager} pick the driver that accepts the URL
 * @param maxPoolSize the most connections the pool opens
 * @param minIdle the idle connections the pool keeps open
 * @param connectionTimeout how long borrowing a connection waits before it fails (the start-up check too)
 * @param idleTimeout how long a connection above {@code minIdle} may sit idle before it is closed; zero for never
 * @param maxLifetime how long a connection lives before the pool replaces it; zero for no limit
 * @param properties extra driver properties (PostgreSQL: {@code ApplicationName}, {@code sslmode}, ...)
 * @param poolName the pool's name, {@code nucleon-<function>-<binding>}: HikariCP's log lines and the {@code pool}
 *     tag of its metrics
 */
record JdbcBindingConfig(
        String url,
        Optional<String> username,
        Optional<String> password,
        Optional<String> driverClassName,
        int maxPoolSize,
        int minIdle,
        Duration connectionTimeout,
        Duration idleTimeout,
        Duration maxLifetime,
        Map<String, String> properties,
        String poolName) {

    /** Default of {@code maxPoolSize}: {@value} (HikariCP's). */
    public static final int DEFAULT_MAX_POOL_SIZE = 10;
    /** Default of {@code minIdle}: {@value}, so an idle function holds one connection, not a full pool. */
    public static final int DEFAULT_MIN_IDLE = 1;
    /** The largest {@code maxPoolSize}: {@value}. */
    public static final int MAX_POOL_SIZE = 10_000;
    /** Default of {@code connectionTimeout}: 5 s (HikariCP's is 30 s, the whole start-up check's bound). */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** The shortest {@code connectionTimeout} HikariCP accepts: 250 ms. */
    public static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
    /** Default of {@code idleTimeout}: 10 min (HikariCP's). */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** The shortest non-zero {@code idleTimeout} HikariCP accepts: 10 s. */
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@code maxLifetime}: 30 min (HikariCP's). */
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);
    /** The shortest non-zero {@code maxLifetime} HikariCP accepts: 30 s. */
    public static final Duration MIN_MAX_LIFETIME = Duration.ofSeconds(30);

    /** The attributes (and secrets) read here. */
    static final List<String> ATTRIBUTES = List.of(
            "url",
            "username",
            "password",
            "driverClassName",
            "maxPoolSize",
            "minIdle",
            "connectionTimeout",
            "idleTimeout",
            "maxLifetime",
            "properties");

    public JdbcBindingConfig {
        properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /**
     * Reads and validates the attributes and secrets.
     *
     * @param context the binding's configuration and secrets
     * @return the configuration
     * @throws ConfigException naming the bad attribute and its line, never a secret's value
     */
    static JdbcBindingConfig from(DataBindingContext context) {
        context.rejectUnknown(ATTRIBUTES, List.of("url", "username", "password"));
        ConfigNode attributes = context.attributes();
        String url = url(context);
        Optional<String> driverClassName = attributes
                .child("driverClassName")
                .map(ConfigNode::scalar)
                .map(String::strip)
                .filter(name -> !name.isEmpty());
        if (driverClassName.isEmpty()) {
            requireDriver(context, url);
        }
        int maxPoolSize = attributes.integer("maxPoolSize", DEFAULT_MAX_POOL_SIZE, 1, MAX_POOL_SIZE);
        int minIdle = attributes.integer("minIdle", DEFAULT_MIN_IDLE, 0, MAX_POOL_SIZE);
        if (minIdle > maxPoolSize) {
            throw attributes
                    .required("minIdle")
                    .error("must not be more than maxPoolSize (" + maxPoolSize + "), got " + minIdle);
        }
        Duration idleTimeout = zeroOrAtLeast(attributes, "idleTimeout", DEFAULT_IDLE_TIMEOUT, MIN_IDLE_TIMEOUT);
        Duration maxLifetime = zeroOrAtLeast(attributes, "maxLifetime", DEFAULT_MAX_LIFETIME, MIN_MAX_LIFETIME);
        if (!idleTimeout.isZero() && !maxLifetime.isZero() && idleTimeout.compareTo(maxLifetime) >= 0) {
            throw attributes
                    .child("idleTimeout")
                    .orElseGet(() -> attributes.required("maxLifetime"))
                    .error("idleTimeout (" + idleTimeout.toMillis() + "ms) must be shorter than maxLifetime ("
                            + maxLifetime.toMillis() + "ms)");
        }
        return new JdbcBindingConfig(
                url,
                nonEmpty(context, "username"),
                context.optionalValue("password"),
                driverClassName,
                maxPoolSize,
                minIdle,
                atLeast(attributes, "connectionTimeout", DEFAULT_CONNECTION_TIMEOUT, MIN_CONNECTION_TIMEOUT),
                idleTimeout,
                maxLifetime,
                properties(attributes),
                "nucleon-" + context.functionName() + "-" + context.name());
    }

    /** @return the URL with its passwords hidden, for log lines and messages */
    String redactedUrl() {
        return JdbcUrl.redact(url);
    }

    private static String url(DataBindingContext context) {
        String url = context.value("url").strip();
        if (!url.regionMatches(true, 0, "jdbc:", 0, 5)) {
            String shown = context.isSecret("url") ? "the secret's value" : "'" + JdbcUrl.redact(url) + "'";
            throw node(context, "url")
                    .error("must be a JDBC URL starting with jdbc: (e.g. jdbc:postgresql://db:5432/orders), got "
                            + shown);
        }
        return url;
    }

    /** Without driverClassName, a driver registered with DriverManager must take the URL. */
    private static void requireDriver(DataBindingContext context, String url) {
        try {
            DriverManager.getDriver(url);
        } catch (SQLException e) {
            String shown = context.isSecret("url") ? "the url" : "'" + JdbcUrl.redact(url) + "'";
            throw node(context, "url")
                    .error("no JDBC driver on the processor's classpath accepts " + shown + " (the PostgreSQL driver "
                            + "is included, for jdbc:postgresql:// URLs); put the database's driver on the "
                            + "processor's classpath, and set driverClassName if it does not register itself");
        }
    }

    /** @return the secret's entry or the attribute that gives {@code name}, for errors about it */
    private static ConfigNode node(DataBindingContext context, String name) {
        if (context.isSecret(name)) {
            return context.config().secrets().get(name).node();
        }
        return context.attributes().required(name);
    }

    private static Optional<String> nonEmpty(DataBindingContext context, String name) {
        Optional<String> value = context.optionalValue(name);
        if (value.isPresent() && value.get().isBlank()) {
            throw node(context, name).error("must not be empty (leave it out for the driver's default)");
        }
        return value;
    }

    /**
     * Driver properties are plain text in function.yaml and in HikariCP's debug log; passwords go in secrets.
     */
    private static Map<String, String> properties(ConfigNode attributes) {
        Optional<ConfigNode> node = attributes.child("properties");
        if (node.isEmpty()) {
            return Map.of();
        }
        Map<String, String> properties = new LinkedHashMap<>();
        node.get().entries().forEach((key, value) -> {
            String name = key.toLowerCase(Locale.ROOT);
            if (name.equals("user")) {
                throw value.error("set the login with the binding's 'username' attribute");
            }
            if (name.contains("password")) {
                throw value.error("a password does not belong in plain attributes: give 'password' in secrets, or put "
                        + "this parameter in the url and the url in secrets");
            }
            properties.put(key, value.scalar());
        });
        return properties;
    }

    private static Duration atLeast(ConfigNode node, String key, Duration defaultValue, Duration min) {
        Duration value = node.duration(key, defaultValue);
        if (value.compareTo(min) < 0) {
            throw node.required(key).error("must be at least " + min.toMillis() + "ms, got " + value.toMillis() + "ms");
        }
        return value;
    }

    private static Duration zeroOrAtLeast(ConfigNode node, String key, Duration defaultValue, Duration min) {
        Duration value = node.duration(key, defaultValue);
        if (value.isNegative() || (!value.isZero() && value.compareTo(min) < 0)) {
            throw node.required(key)
                    .error("must be 0 (never) or at least " + min.toSeconds() + "s, got " + value.toMillis() + "ms");
        }
        return value;
    }

    @Override
    public String toString() {
        return "JdbcBindingConfig[url=" + redactedUrl() + ", username=" + username.orElse("(driver's default)")
                + ", password=" + (password.isPresent() ? JdbcUrl.MASK : "(none)") + ", driverClassName="
                + driverClassName.orElse("(DriverManager)") + ", maxPoolSize=" + maxPoolSize + ", minIdle=" + minIdle
                + ", connectionTimeout=" + connectionTimeout + ", idleTimeout=" + idleTimeout + ", maxLifetime="
                + maxLifetime + ", properties=" + properties + ", poolName=" + poolName + "]";
    }
}
