package io.nucleon.trigger.http;

import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** A real processor with the HTTP trigger on a free port, running {@link RoutingTestFunction}. */
final class RunningProcessor implements AutoCloseable {

    final Processor processor;
    final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private RunningProcessor(Processor processor) {
        this.processor = processor;
    }

    /**
     * @param triggerExtras extra YAML lines under the trigger (indented 6 spaces), e.g. numWorkers
     * @param attributes extra YAML lines under attributes (indented 8 spaces)
     * @param eventTimeout spec.eventTimeout
     */
    static RunningProcessor start(String triggerExtras, String attributes, String eventTimeout) {
        return start("http-test", 0, triggerExtras, attributes, eventTimeout);
    }

    /**
     * @param name metadata.name, which {@code /whoami} answers with
     * @param port the trigger's port, 0 for a free one
     */
    static RunningProcessor start(String name, int port, String triggerExtras, String attributes, String eventTimeout) {
        String yaml = """
                apiVersion: nuclio.io/v1
                kind: NuclioFunction
                metadata:
                  name: %s
                spec:
                  handler: io.nucleon.trigger.http.RoutingTestFunction
                  eventTimeout: %s
                  triggers:
                    web:
                      kind: http
                %s
                      attributes:
                        host: 127.0.0.1
                        port: %d
                %s
                """.formatted(name, eventTimeout, triggerExtras, port, attributes);
        ProcessorSettings settings = ProcessorSettings.defaults(
                        FunctionConfigLoader.parse(yaml, "function.yaml"), List.of())
                .withAdmin("127.0.0.1", 0)
                .withDrainTimeout(Duration.ofSeconds(10));
        return new RunningProcessor(Processor.start(settings));
    }

    int port() {
        return ((HttpTrigger) processor.trigger("web")).port();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String pathAndQuery, String body) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(uri(pathAndQuery))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        URI admin = URI.create("http://127.0.0.1:" + processor.adminPort() + path);
        return client.send(HttpRequest.newBuilder(admin).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        RoutingTestFunction.UNBLOCK.countDown();
        processor.close();
        client.close();
    }
}
