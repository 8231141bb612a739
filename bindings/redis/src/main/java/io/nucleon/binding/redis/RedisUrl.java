package io.nucleon.binding.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Where Redis is and, optionally, how to log in, read from a Redis URL: {@code redis://[user:password@]host[:port][/db]}
 * ({@code rediss://} for TLS), as redis-cli and the Redis clients write it. {@code redis://:password@host} gives a
 * password without a user (Redis's {@code default} user). The port is 6379 when the URL has none.
 *
 * <p>{@link #toString()} and {@link #redacted()} never show the password.
 *
 * @param tls whether the scheme is {@code rediss}
 * @param host the server's host
 * @param port the server's port
 * @param username the user from the URL, if any
 * @param password the password from the URL, if any
 * @param database the database number from the URL's path, if any
 */
record RedisUrl(
        boolean tls,
        String host,
        int port,
        Optional<String> username,
        Optional<String> password,
        OptionalInt database) {

    /** The port when the URL has none: {@value}. */
    static final int DEFAULT_PORT = 6379;

    /** What a Redis URL looks like, for messages. */
    static final String SHAPE = "redis://[user:password@]host:port[/db]";

    private static final Pattern PASSWORD = Pattern.compile("(://[^:/@\\s]*:)[^\\s]*@");

    /**
     * Reads a Redis URL.
     *
     * @param text the URL
     * @return the parts
     * @throws IllegalArgumentException saying what is wrong, without the password
     */
    static RedisUrl parse(String text) {
        URI uri = uri(text);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("'" + redact(text) + "' must start with redis:// or rediss://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + redact(text) + "' has no host (or a host name with characters "
                    + "a URL does not allow); expected " + SHAPE);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + redact(text) + "': query parameters and fragments are not "
                    + "supported; the binding's attributes set the connection");
        }
        Optional<String> username = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            username = nonEmpty(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            password = colon < 0 ? Optional.empty() : nonEmpty(decode(userInfo.substring(colon + 1)));
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        return new RedisUrl(
                scheme.equals("rediss"), stripBrackets(uri.getHost()), port, username, password, database(uri, text));
    }

    private static URI uri(String text) {
        try {
            return new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + redact(text) + "' is not a valid URL ("
                    + (e.getReason() == null ? "bad syntax" : e.getReason()) + "); expected " + SHAPE);
        }
    }

    private static OptionalInt database(URI uri, String text) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return OptionalInt.empty();
        }
        String number = path.substring(1);
        if (!number.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException(
                    "'" + redact(text) + "': the path must be a database number (/0, /1, ...), got '" + path + "'");
        }
        return OptionalInt.of(Integer.parseInt(number));
    }

    /** Percent-decoding without form decoding: a '+' stays a '+'. */
    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Optional<String> nonEmpty(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
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
    static String redact(String text) {
        return PASSWORD.matcher(text).replaceFirst("$1****@");
    }

    /** @return the URL without the password: {@code redis://user@host:port/db} */
    String redacted() {
        String shownHost = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "rediss" : "redis") + "://"
                + username.map(user -> user + "@").orElse("") + shownHost + ":" + port
                + (database.isPresent() ? "/" + database.getAsInt() : "");
    }

    @Override
    public String toString() {
        return redacted();
    }
}
