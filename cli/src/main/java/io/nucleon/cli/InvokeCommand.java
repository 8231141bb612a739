package io.nucleon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** The methods {@link HttpURLConnection} sends; others (PATCH, ...) go through the JDK's HttpClient. */
    private static final Set<String> URL_CONNECTION_METHODS =
            Set.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE");

    /** What came back: status, headers (without the status line), body. */
    private record Answer(int status, Map<String, List<String>> headers, byte[] body) {}

    @Override
    public Integer call() {
        Duration wait = Arguments.duration("--timeout", timeout);
        URI uri = uri(URI.create(global.platform().invocationUrl(name)));
        String verb = method != null ? method.toUpperCase(java.util.Locale.ROOT) : body != null ? "POST" : "GET";
        Map<String, String> requestHeaders = requestHeaders();
        // HttpURLConnection where it can: the JDK's HttpClient costs about a quarter of a second to set up in the
        // CLI's short-lived JVM, which the user waits for on every invoke.
        Answer answer = URL_CONNECTION_METHODS.contains(verb)
                ? sendWithUrlConnection(uri, verb, requestHeaders, wait)
                : sendWithHttpClient(uri, verb, requestHeaders, wait);
        print(answer);
        return fail && answer.status() >= 400 ? Main.EXIT_FAILED : 0;
    }

    private URI uri(URI base) {
        try {
            return base.resolve(path.startsWith("/") ? path : "/" + path);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput("--path: not a valid path: " + e.getMessage());
        }
    }

    private Map<String, String> requestHeaders() {
        Map<String, String> all = new LinkedHashMap<>();
        if (body != null || contentType != null) {
            all.put("Content-Type", contentType != null ? contentType : "text/plain; charset=utf-8");
        }
        for (String header : headers) {
            String[] kv = Arguments.keyValue("-H", header, ':');
            if (kv[0].isBlank()
                    || !kv[0].chars().allMatch(c -> c > 32 && c < 127 && c != ':')
                    || kv[1].chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw CliException.badInput("-H: invalid header '" + header + "'");
            }
            all.put(kv[0], kv[1]);
        }
        return all;
    }

    private Answer sendWithUrlConnection(URI uri, String verb, Map<String, String> requestHeaders, Duration wait) {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setRequestMethod(verb);
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, wait.toMillis())));
            connection.setUseCaches(false);
            connection.setInstanceFollowRedirects(false);
            for (Map.Entry<String, String> header : requestHeaders.entrySet()) {
                connection.setRequestProperty(header.getKey(), header.getValue());
            }
            if (body != null) {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(bytes.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status = connection.getResponseCode();
            Map<String, List<String>> answerHeaders = new LinkedHashMap<>();
            connection.getHeaderFields().forEach((header, values) -> {
                if (header != null) {
                    answerHeaders.put(header.toLowerCase(java.util.Locale.ROOT), values);
                }
            });
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                return new Answer(status, answerHeaders, in == null ? new byte[0] : in.readAllBytes());
            }
        } catch (SocketTimeoutException e) {
            throw CliException.failed("function '" + name + "' did not answer within " + timeout);
        } catch (IOException e) {
            throw CliException.failed("cannot reach function '" + name + "' at " + uri + ": " + e);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private Answer sendWithHttpClient(URI uri, String verb, Map<String, String> requestHeaders, Duration wait) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(wait);
        request.method(
                verb,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            requestHeaders.forEach(request::header);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput("-H: " + e.getMessage());
        }
        try (HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build()) {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().map(), response.body());
        } catch (java.net.http.HttpTimeoutException e) {
            throw CliException.failed("function '" + name + "' did not answer within " + timeout);
        } catch (IOException e) {
            throw CliException.failed("cannot reach function '" + name + "' at " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        }
    }

    private void print(Answer answer) {
        PrintStream out = System.out;
        if (verbose) {
            out.println("HTTP/1.1 " + answer.status());
            answer.headers().forEach((header, values) -> values.forEach(v -> out.println(header + ": " + v)));
            out.println();
        }
        out.writeBytes(answer.body());
        out.flush();
    }
}
