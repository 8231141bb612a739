package io.nucleon.cli.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private final URI base;
    private final Optional<String> token;
    private final HttpClient client;

    /**
     * @param host the admin host
     * @param port the admin port
     * @param token the bearer token, when the processor asks for one
     */
    public AdminClient(String host, int port, Optional<String> token) {
        this.base = URI.create("http://" + host + ":" + port);
        this.token = token;
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(1))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
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

    private Optional<HttpResponse<String>> get(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        try {
            return Optional.of(client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
