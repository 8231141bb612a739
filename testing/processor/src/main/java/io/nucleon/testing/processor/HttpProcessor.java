package io.nucleon.testing.processor;

import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A real processor running one handler behind an HTTP trigger {@code web} on a free loopback port, with its admin
 * endpoint on another. Tests call the function with {@link #post} and read {@link #metrics()}.
 *
 * <pre>{@code
 * try (HttpProcessor processor = HttpProcessor.start("orders", OrdersFunction.class.getName(), """
 *           dataBindings:
 *             cache:
 *               kind: redis
 *               url: redis://127.0.0.1:6379
 *         """)) {
 *     assertThat(processor.post("/", "k1").body()).isEqualTo("1");
 * }
 * }</pre>
 */
public final class HttpProcessor implements AutoCloseable {

    private final Processor processor;
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpProcessor(Processor processor) {
        this.processor = processor;
    }

    /**
     * @param name {@code metadata.name}
     * @param handler the handler class, on the test's classpath
     * @param specExtras more lines of the {@code spec} section, indented two spaces ({@code dataBindings},
     *     {@code cache}, {@code env}); may be empty
     * @return the started, ready processor
     */
    public static HttpProcessor start(String name, String handler, String specExtras) {
        return new HttpProcessor(Processor.start(settings(name, handler, specExtras)));
    }

    /**
     * @param config a whole function.yaml (an example's own, say) with an {@code http} trigger; give it port 0
     * @return the started, ready processor; {@link #post} goes to its first HTTP trigger
     */
    public static HttpProcessor start(io.nucleon.config.FunctionConfig config) {
        return new HttpProcessor(Processor.start(ProcessorSettings.defaults(config, List.of())
                .withAdmin("127.0.0.1", 0)
                .withDrainTimeout(Duration.ofSeconds(5))));
    }

    /**
     * The settings {@link #start} uses, for tests that expect the start to fail.
     *
     * @param name {@code metadata.name}
     * @param handler the handler class
     * @param specExtras more lines of the {@code spec} section, indented two spaces
     * @return settings with the admin endpoint on a free loopback port and a 5 s drain
     */
    public static ProcessorSettings settings(String name, String handler, String specExtras) {
        String yaml = """
                apiVersion: nucleon.io/v1
                kind: NucleonFunction
                metadata:
                  name: %s
                spec:
                  handler: %s
                  eventTimeout: 30s
                  triggers:
                    web:
                      kind: http
                      numWorkers: 2
                      attributes:
                        host: 127.0.0.1
                        port: 0
                %s
                """.formatted(name, handler, specExtras);
        return ProcessorSettings.defaults(FunctionConfigLoader.parse(yaml, "function.yaml"), List.of())
                .withAdmin("127.0.0.1", 0)
                .withDrainTimeout(Duration.ofSeconds(5));
    }

    /** @return the processor */
    public Processor processor() {
        return processor;
    }

    /**
     * @param pathAndQuery e.g. {@code /?key=a}
     * @param body the request body
     * @return the function's response
     */
    public HttpResponse<String> post(String pathAndQuery, String body) {
        URI endpoint = processor.triggers().stream()
                .flatMap(trigger -> trigger.endpoint().stream())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the processor has no HTTP trigger"));
        return send(HttpRequest.newBuilder(endpoint.resolve(pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** @return the Prometheus text of the processor's {@code /metrics} */
    public String metrics() {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + processor.adminPort() + "/metrics"))
                        .build())
                .body();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the processor: drain, close hooks, data bindings closed. */
    @Override
    public void close() {
        processor.close();
        client.close();
    }
}
