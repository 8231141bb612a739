package io.nucleon.binding.nats;

import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Options;
import io.nucleon.config.ConfigException;
import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.binding.DataBindings;
import io.nucleon.runtime.spi.DataBindingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The attributes of a {@code nats} data binding, validated, with their defaults.
 *
 * @param servers server URLs ({@code nats://host:port} or {@code tls://host:port}), possibly with {@code
 *     user:password@} in them; never logged unmasked
 * @param username the user for user/password authentication, or empty
 * @param password the password, or empty; never logged
 * @param token the authentication token, or empty; never logged
 * @param connectionTimeout how long one connection attempt to one server may take
 * @param maxReconnects reconnect attempts after the connection dropped; -1 for no limit, 0 for none
 * @param reconnectWait the pause between reconnect attempts to the same server
 * @param jetStreamTimeout how long a JetStream publish waits for the stream's acknowledgement
 */
record NatsBindingConfig(
        List<String> servers,
        String username,
        String password,
        String token,
        Duration connectionTimeout,
        int maxReconnects,
        Duration reconnectWait,
        Duration jetStreamTimeout) {

    /** Default of {@code connectionTimeout}: 5 s. */
    static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The longest {@code connectionTimeout}: 20 s, so that a connection attempt and the round-trip after it fit in
     * the processor's 30 s check at start.
     */
    static final Duration MAX_CONNECTION_TIMEOUT = Duration.ofSeconds(20);

    /** Default of {@code maxReconnects}: -1, reconnect for as long as the processor runs. */
    static final int DEFAULT_MAX_RECONNECTS = -1;

    /** Default of {@code reconnectWait}: 1 s. */
    static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofSeconds(1);

    /** Default of {@code jetStreamTimeout}: 5 s. */
    static final Duration DEFAULT_JET_STREAM_TIMEOUT = Duration.ofSeconds(5);

    /** Every attribute this kind knows. */
    static final List<String> ATTRIBUTES = List.of(
            "url",
            "username",
            "password",
            "token",
            "connectionTimeout",
            "maxReconnects",
            "reconnectWait",
            "jetStreamTimeout");

    /** The attributes that may come from {@code secrets}. */
    static final List<String> SECRET_ATTRIBUTES = List.of("url", "username", "password", "token");

    private static final List<String> SCHEMES = List.of("nats", "tls");
    private static final Pattern USER_INFO = Pattern.compile("://[^/\\s]*@");

    NatsBindingConfig {
        servers = List.copyOf(servers);
    }

    /**
     * Reads and validates the attributes and secrets.
     *
     * @param context the binding's configuration and secrets
     * @return the configuration
     * @throws ConfigException naming the bad attribute and its line; never showing a secret's value
     */
    static NatsBindingConfig from(DataBindingContext context) {
        context.rejectUnknown(ATTRIBUTES);
        context.config().secrets().forEach((name, secret) -> {
            if (!SECRET_ATTRIBUTES.contains(name)) {
                throw secret.node()
                        .error("is not a secret attribute (secrets: " + String.join(", ", SECRET_ATTRIBUTES)
                                + "); set it under attributes");
            }
        });
        List<String> servers = servers(context);
        ConfigNode attributes = context.attributes();
        String username = credential(context, "username");
        String password = credential(context, "password");
        String token = credential(context, "token");
        if (!username.isEmpty() && password.isEmpty()) {
            throw node(context, "username").error("needs 'password' as well (usually in secrets)");
        }
        if (!password.isEmpty() && username.isEmpty()) {
            throw node(context, "password").error("needs 'username' as well");
        }
        if (!token.isEmpty() && !username.isEmpty()) {
            throw node(context, "token").error("cannot be combined with 'username'/'password'; use one of them");
        }
        Duration connectionTimeout = positive(attributes, "connectionTimeout", DEFAULT_CONNECTION_TIMEOUT);
        if (connectionTimeout.compareTo(MAX_CONNECTION_TIMEOUT) > 0) {
            throw attributes
                    .required("connectionTimeout")
                    .error("must be at most " + MAX_CONNECTION_TIMEOUT.toSeconds()
                            + "s: the processor's check at start waits "
                            + DataBindings.CHECK_TIMEOUT.toSeconds() + " s at most");
        }
        return new NatsBindingConfig(
                servers,
                username,
                password,
                token,
                connectionTimeout,
                attributes.integer("maxReconnects", DEFAULT_MAX_RECONNECTS, -1, Integer.MAX_VALUE),
                positive(attributes, "reconnectWait", DEFAULT_RECONNECT_WAIT),
                positive(attributes, "jetStreamTimeout", DEFAULT_JET_STREAM_TIMEOUT));
    }

    /**
     * The client's options: servers, credentials, timeouts and reconnect pacing.
     *
     * @param connectionName the name the server shows for this client
     * @param listener told about connection events and client errors
     * @return the options
     */
    <L extends ConnectionListener & ErrorListener> Options options(String connectionName, L listener) {
        Options.Builder options = new Options.Builder()
                .servers(servers.toArray(String[]::new))
                .connectionName(connectionName)
                .connectionTimeout(connectionTimeout)
                .maxReconnects(maxReconnects)
                .reconnectWait(reconnectWait)
                .connectionListener(listener)
                .errorListener(listener);
        if (!username.isEmpty()) {
            options.userInfo(username.toCharArray(), password.toCharArray());
        }
        if (!token.isEmpty()) {
            options.token(token.toCharArray());
        }
        return options.build();
    }

    /** @return the server URLs without credentials, for logs and messages */
    String describeServers() {
        return String.join(",", servers.stream().map(NatsBindingConfig::redact).toList());
    }

    /**
     * Masks every {@code user:password@} or {@code token@} in a text that may name server URLs.
     *
     * @param text a URL or a client message
     * @return the text with {@code ://***@} in place of credentials
     */
    static String redact(String text) {
        return text == null ? "" : USER_INFO.matcher(text).replaceAll("://***@");
    }

    /** Credentials are masked: any of them may have come from secrets. */
    @Override
    public String toString() {
        return "NatsBindingConfig[servers=" + describeServers() + ", username=" + mask(username)
                + ", password=" + mask(password) + ", token=" + mask(token)
                + ", connectionTimeout=" + connectionTimeout + ", maxReconnects=" + maxReconnects
                + ", reconnectWait=" + reconnectWait + ", jetStreamTimeout=" + jetStreamTimeout + "]";
    }

    private static String mask(String secret) {
        return secret.isEmpty() ? "" : "***";
    }

    private static String credential(DataBindingContext context, String name) {
        Optional<String> value = context.optionalValue(name);
        if (value.isPresent() && value.get().isBlank()) {
            throw node(context, name).error("must not be empty");
        }
        return value.orElse("");
    }

    /** The YAML node an attribute's error points at: its secret entry, or its attribute. */
    private static ConfigNode node(DataBindingContext context, String name) {
        return context.isSecret(name)
                ? context.config().secrets().get(name).node()
                : context.attributes().required(name);
    }

    private static Duration positive(ConfigNode attributes, String key, Duration defaultValue) {
        Duration value = attributes.duration(key, defaultValue);
        if (value.isZero()) {
            throw attributes.required(key).error("must be longer than 0");
        }
        return value;
    }

    /** A comma-separated string or a list; each a URL with scheme nats:// or tls://, or a bare host:port. */
    private static List<String> servers(DataBindingContext context) {
        boolean secret = context.isSecret("url");
        Optional<ConfigNode> listed =
                secret ? Optional.empty() : context.attributes().child("url").filter(ConfigNode::isSequence);
        List<String> raw = new ArrayList<>();
        if (listed.isPresent()) {
            listed.get().elements().forEach(element -> raw.add(element.scalar()));
        } else {
            raw.addAll(List.of(context.value("url").split(",")));
        }
        ConfigNode node = node(context, "url");
        List<String> servers = new ArrayList<>();
        for (String entry : raw) {
            String server = entry.strip();
            if (!server.isEmpty()) {
                servers.add(checked(node, server.contains("://") ? server : "nats://" + server, secret));
            }
        }
        if (servers.isEmpty()) {
            throw node.error("must name at least one server, e.g. nats://127.0.0.1:4222");
        }
        return servers;
    }

    private static String checked(ConfigNode node, String server, boolean secret) {
        // a url from secrets may carry a password anywhere in it: errors about it never quote it
        String shown = secret ? "a server in the url secret" : "'" + redact(server) + "'";
        try {
            URI uri = new URI(server);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!SCHEMES.contains(scheme)) {
                throw node.error(shown + " must start with nats:// or tls://");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw node.error(shown + " has no host (expected nats://host:port)");
            }
            return server;
        } catch (URISyntaxException e) {
            throw node.error(shown + " is not a valid URL" + (secret ? "" : ": " + e.getReason()));
        }
    }
}
