package io.nucleon.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nucleon invoke NAME}: one HTTP request to the function's HTTP trigger. */
@Command(
        name = "invoke",
        mixinStandardHelpOptions = true,
        description = "Calls a function through its HTTP trigger and prints the answer.",
        footer = {
            "",
            "Examples:",
            "  nucleon invoke hello -b Ada",
            "  nucleon invoke hello -m PUT -c application/json -b '{\"name\":\"Ada\"}' -H X-Request-Id:42 -v",
            "",
            "Exit codes: 0 answered (any status unless --fail), 1 no answer or --fail and a 4xx/5xx status."
        })
final class InvokeCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @Parameters(paramLabel = "NAME", description = "The function.")
    String name;

    @Option(
            names = {"-b", "--body"},
            paramLabel = "BODY",
            description = "Request body (the method defaults to POST when given).")
    String body;

    @Option(
            names = {"-m", "--method"},
            paramLabel = "METHOD",
            description = "HTTP method (default: GET, or POST with a body).")
    String method;

    @Option(
            names = {"-c", "--content-type"},
            paramLabel = "TYPE",
            description = "Content-Type of the body (default: text/plain with a body).")
    String contentType;

    @Option(
            names = {"-H", "--header"},
            paramLabel = "NAME:VALUE",
            description = "A request header (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(
            names = "--path",
            defaultValue = "/",
            paramLabel = "PATH",
            description = "Request path and query (default: /).")
    String path;

    @Option(
            names = {"-t", "--timeout"},
            defaultValue = "30s",
            paramLabel = "DURATION",
            description = "How long to wait for the answer (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(
            names = {"-v", "--verbose"},
            description = "Print the status line and headers before the body.")
    boolean verbose;

    @Option(names = "--fail", description = "Exit with 1 when the status is 400 or more.")
    boolean fail;

    @Override
    public Integer call() {
        Duration wait = Arguments.duration("--timeout", timeout);
        HttpResponse<byte[]> response =
                send(request(URI.create(global.platform().invocationUrl(name)), wait));
        print(response);
        return fail && response.statusCode() >= 400 ? Main.EXIT_FAILED : 0;
    }

    private HttpRequest request(URI base, Duration wait) {
        URI uri;
        try {
            uri = base.resolve(path.startsWith("/") ? path : "/" + path);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput("--path: not a valid path: " + e.getMessage());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(wait);
        String verb = method != null ? method.toUpperCase(java.util.Locale.ROOT) : body != null ? "POST" : "GET";
        request.method(
                verb,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null || contentType != null) {
            request.header("Content-Type", contentType != null ? contentType : "text/plain; charset=utf-8");
        }
        for (String header : headers) {
            String[] kv = Arguments.keyValue("-H", header, ':');
            try {
                request.header(kv[0], kv[1]);
            } catch (IllegalArgumentException e) {
                throw CliException.badInput("-H: " + e.getMessage());
            }
        }
        return request.build();
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try (HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build()) {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.http.HttpTimeoutException e) {
            throw CliException.failed("function '" + name + "' did not answer within " + timeout);
        } catch (IOException e) {
            throw CliException.failed("cannot reach function '" + name + "' at " + request.uri() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        }
    }

    private void print(HttpResponse<byte[]> response) {
        PrintStream out = System.out;
        if (verbose) {
            out.println("HTTP/1.1 " + response.statusCode());
            response.headers().map().forEach((header, values) -> values.forEach(v -> out.println(header + ": " + v)));
            out.println();
        }
        out.writeBytes(response.body());
        out.flush();
    }
}
