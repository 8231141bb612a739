package io.nucleon.trigger.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nucleon.config.ConfigNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How both NATS trigger kinds reach the server: the {@code url} list, credentials and reconnect pacing,
 * read from the attributes they share. The client reconnects by itself for as long as the trigger runs.
 *
 * @param servers server URLs, {@code nats://host:port} or {@code tls://host:port}, possibly with
 *     {@code user:password@} in them
 * @param username the user for user/password authentication, or empty
 * @param password the password, or empty; never logged
 * @param token the authentication token, or empty; never logged
 * @param reconnectWait the pause between reconnect attempts to the same server
 */
record NatsConnectionSettings(
        List<String> servers, String username, String password, String token, Duration reconnectWait) {

    /** Default of {@code reconnectWait}: 2 s (the NATS clients' default, and Nuclio's). */
    static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofSeconds(2);

    /** The attributes read here. */
    static final List<String> ATTRIBUTES = List.of("url", "username", "password", "token", "reconnectWait");

    private static final List<String> SCHEMES = List.of("nats", "tls");

    NatsConnectionSettings {
        servers = List.copyOf(servers);
    }

    /**
     * Reads and validates the connection attributes.
     *
     * @param attributes the trigger's {@code attributes}
     * @return the settings
     */
    static NatsConnectionSettings from(ConfigNode attributes) {
        List<String> servers = servers(attributes.required("url"));
        String username = attributes.string("username", "");
        String password = attributes.string("password", "");
        String token = attributes.string("token", "");
        if (!password.isEmpty() && username.isEmpty()) {
            throw attributes.required("password").error("needs 'username' as well");
        }
        if (!token.isEmpty() && !username.isEmpty()) {
            throw attributes.required("token").error("cannot be combined with 'username'/'password'; use one of them");
        }
        Duration reconnectWait = attributes.duration("reconnectWait", DEFAULT_RECONNECT_WAIT);
        if (reconnectWait.isZero()) {
            throw attributes.required("reconnectWait").error("must be longer than 0");
        }
        return new NatsConnectionSettings(servers, username, password, token, reconnectWait);
    }

    /** A comma-separated string or a list; each a URL with scheme nats:// or tls://, or a bare host:port. */
    private static List<String> servers(ConfigNode node) {
        List<String> raw = new ArrayList<>();
        if (node.isSequence()) {
            node.elements().forEach(element -> raw.add(element.scalar()));
        } else {
            raw.addAll(List.of(node.scalar().split(",")));
        }
        List<String> servers = new ArrayList<>();
        for (String entry : raw) {
            String server = entry.trim();
            if (server.isEmpty()) {
                continue;
            }
            if (!server.contains("://")) {
                server = "nats://" + server;
            }
            servers.add(checked(node, server));
        }
        if (servers.isEmpty()) {
            throw node.error("must name at least one server, e.g. nats://127.0.0.1:4222");
        }
        return servers;
    }

    private static String checked(ConfigNode node, String server) {
        try {
            URI uri = new URI(server);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!SCHEMES.contains(scheme)) {
                throw node.error("'" + redact(server) + "' must start with nats:// or tls://");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw node.error("'" + redact(server) + "' has no host (expected nats://host:port)");
            }
            return server;
        } catch (URISyntaxException e) {
            throw node.error("'" + redact(server) + "' is not a valid URL: " + e.getReason());
        }
    }

    /**
     * Connects, waiting for the first connection; afterwards the client reconnects by itself without limit.
     *
     * @param connectionName the name the server shows for this client
     * @param monitor told about connection events and client errors
     * @param triggerName for the error message
     * @return the connection
     * @throws IllegalStateException naming the trigger and the servers when no server answers
     */
    Connection connect(String connectionName, NatsConnectionMonitor monitor, String triggerName) {
        Options.Builder options = new Options.Builder()
                .servers(servers.toArray(String[]::new))
                .connectionName(connectionName)
                .maxReconnects(-1)
                .reconnectWait(reconnectWait)
                .connectionListener(monitor)
                .errorListener(monitor);
        if (!username.isEmpty()) {
            options.userInfo(username.toCharArray(), password.toCharArray());
        }
        if (!token.isEmpty()) {
            options.token(token.toCharArray());
        }
        try {
            return Nats.connect(options.build());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "trigger '" + triggerName + "': cannot connect to NATS at " + describeServers() + ": "
                            + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("trigger '" + triggerName + "': interrupted while connecting to NATS", e);
        }
    }

    /** @return the server URLs without credentials, for logs and messages */
    String describeServers() {
        return String.join(
                ",", servers.stream().map(NatsConnectionSettings::redact).toList());
    }

    /** Drops {@code user:password@} from a URL, so that credentials never reach a log. */
    static String redact(String server) {
        int scheme = server.indexOf("://");
        int at = server.lastIndexOf('@');
        return at > scheme && scheme >= 0
                ? server.substring(0, scheme + 3) + "***@" + server.substring(at + 1)
                : server;
    }

    @Override
    public String toString() {
        return "NatsConnectionSettings[servers=" + describeServers() + ", username=" + username
                + ", password=" + (password.isEmpty() ? "" : "***") + ", token=" + (token.isEmpty() ? "" : "***")
                + ", reconnectWait=" + reconnectWait + "]";
    }
}
