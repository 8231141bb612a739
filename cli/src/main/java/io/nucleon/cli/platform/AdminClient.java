package io.nucleon.cli.platform;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Every call the CLI makes to a processor's admin endpoint ({@code /live}, {@code /ready}, {@code
 * /status}, {@code /metrics}) goes through here, so that credentials are added in one place: with a
 * token, each request carries {@code Authorization: Bearer <token>}.
 */
public final class AdminClient implements AutoCloseable {

    /** The counter {@code get} sums for its HANDLED column (Nuclio's name). */
    static final String HANDLED_EVENTS = "nuclio_processor_handled_events_total";

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

    private final URI base;
    private final Optional<String> token;

    /**
     * @param host the admin host
     * @param port the admin port
     * @param token the bearer token, when the processor asks for one
     */
    public AdminClient(String host, int port, Optional<String> token) {
        this.base = URI.create("http://" + host + ":" + port);
        this.token = token;
    }

    /** @return whether {@code /ready} answers 200; false when it answers otherwise or not at all */
    public boolean ready() {
        return get("/ready").map(response -> response.statusCode() == 200).orElse(false);
    }

    /** @return whether {@code /live} answers 200 */
    public boolean live() {
        return get("/live").map(response -> response.statusCode() == 200).orElse(false);
    }

    /** @return the {@code /status} document, or empty when the processor does not answer */
    public Optional<Map<String, Object>> status() {
        return get("/status").filter(r -> r.statusCode() == 200).map(r -> Json.parseObject(r.body()));
    }

    /**
     * @return the sum of {@value #HANDLED_EVENTS} over all its series, or empty when the processor does
     *     not answer
     */
    public Optional<Long> handledEvents() {
        return get("/metrics").filter(r -> r.statusCode() == 200).map(r -> sumCounter(r.body(), HANDLED_EVENTS));
    }

    static long sumCounter(String prometheusText, String counter) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(counter + "{") || line.startsWith(counter + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Math.round(sum);
    }

    /**
     * One GET on a connection of its own. {@link HttpURLConnection} rather than the JDK's {@code HttpClient}: in
     * the CLI's short-lived JVM the latter costs about a quarter of a second to set up, on every command.
     */
    private Optional<Response> get(String path) {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
            connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            connection.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
            connection.setUseCaches(false);
            HttpURLConnection open = connection;
            token.ifPresent(t -> open.setRequestProperty("Authorization", "Bearer " + t));
            int status = connection.getResponseCode();
            try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                return Optional.of(new Response(
                        status, body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            return Optional.empty();
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private record Response(int statusCode, String body) {}

    @Override
    public void close() {
        // nothing held between calls
    }
}
