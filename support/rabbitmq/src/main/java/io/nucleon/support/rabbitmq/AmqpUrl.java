package io.nucleon.support.rabbitmq;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the broker is and how to log in, read from an AMQP URL: {@code amqp://user:password@host:port/vhost}
 * ({@code amqps://} for TLS). As in Nuclio (amqp091-go), an empty path and a lone {@code /} both mean the
 * vhost {@code /}; other vhosts are one percent-encoded path segment ({@code /%2Fprod} is {@code /prod}).
 * Without user information the login is RabbitMQ's default {@code guest}/{@code guest}.
 *
 * <p>{@link #toString()} and {@link #redacted()} never show the password.
 *
 * @param tls whether the scheme is {@code amqps}
 * @param host the broker's host
 * @param port the broker's port (5672, or 5671 for amqps, when the URL has none)
 * @param username the login
 * @param password the password
 * @param virtualHost the vhost
 */
public record AmqpUrl(boolean tls, String host, int port, String username, String password, String virtualHost) {

    private static final Pattern PASSWORD = Pattern.compile("(://[^:/@\\s]*:)[^\\s]*@");

    /**
     * Reads an AMQP URL.
     *
     * @param text the URL
     * @return the parts
     * @throws IllegalArgumentException saying what is wrong, without the password
     */
    public static AmqpUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + redact(text) + "' is not a valid URL ("
                    + (e.getReason() == null ? "bad syntax" : e.getReason()) + "); expected "
                    + "amqp://user:password@host:port/vhost");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw new IllegalArgumentException("'" + redact(text) + "' must start with amqp:// or amqps://");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("'" + redact(text) + "' has no host (or a host name with characters "
                    + "a URL does not allow); expected amqp://user:password@host:port/vhost");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + redact(text) + "': query parameters and fragments are not "
                    + "supported; attributes set the connection");
        }
        boolean tls = scheme.equals("amqps");
        int port = uri.getPort() < 0 ? (tls ? 5671 : 5672) : uri.getPort();
        String username = "guest";
        String password = "guest";
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        return new AmqpUrl(tls, stripBrackets(host), port, username, password, virtualHost(uri, text));
    }

    private static String virtualHost(URI uri, String text) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return "/";
        }
        String segment = path.substring(1);
        if (segment.contains("/")) {
            throw new IllegalArgumentException("'" + redact(text) + "': the vhost must be one path segment; write a "
                    + "'/' inside a vhost name as %2F");
        }
        return decode(segment);
    }

    /** Percent-decoding without form decoding: a '+' stays a '+'. */
    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /**
     * Hides the password of a URL that may not parse.
     *
     * @param text a URL as the user wrote it
     * @return the text with the password replaced by {@code ****}
     */
    public static String redact(String text) {
        return PASSWORD.matcher(text).replaceFirst("$1****@");
    }

    /** @return the URL without the password: {@code amqp://user@host:port/vhost} */
    public String redacted() {
        String vhost = virtualHost.equals("/") ? "" : URLEncoder.encode(virtualHost, StandardCharsets.UTF_8);
        String shownHost = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "amqps" : "amqp") + "://" + username + "@" + shownHost + ":" + port + "/" + vhost;
    }

    /**
     * @param replacement the password to log in with instead of the URL's (a secret)
     * @return this URL with that password
     */
    public AmqpUrl withPassword(String replacement) {
        return new AmqpUrl(tls, host, port, username, replacement, virtualHost);
    }

    /** @return {@link #redacted()}: the URL without the password */
    @Override
    public String toString() {
        return redacted();
    }
}
