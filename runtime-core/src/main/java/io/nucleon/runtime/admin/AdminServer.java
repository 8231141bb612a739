package io.nucleon.runtime.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A small HTTP server, apart from the triggers, that answers orchestration and monitoring:
 *
 * <ul>
 *   <li>{@code GET /live} - 200 while the process can answer at all
 *   <li>{@code GET /ready} - 200 while the processor takes events, 503 while starting or draining
 *   <li>{@code GET /metrics} - Prometheus text format
 *   <li>{@code GET /status} - JSON: function, state, triggers, counts
 * </ul>
 *
 * <p>With a token, every path but {@code /live} and {@code /ready} (probes that cannot easily send a
 * secret, and that reveal only a yes or no) requires {@code Authorization: Bearer <token>}, and is
 * answered 401 without it. New paths are protected unless added to the open ones on purpose.
 *
 * <p>It is on the control path, so it uses the JDK's HTTP server on one thread.
 */
public final class AdminServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * Binds the admin port and starts answering.
     *
     * @param host the address to bind
     * @param port the port; 0 picks a free one
     * @param ready whether the processor is ready
     * @param metrics the Prometheus scrape text
     * @param status the JSON status document
     * @param token when present, the bearer token every path but {@code /live} and {@code /ready} requires
     * @throws IOException when the port cannot be bound
     */
    public AdminServer(
            String host,
            int port,
            BooleanSupplier ready,
            Supplier<String> metrics,
            Supplier<String> status,
            Optional<String> token)
            throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.executor = Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().name("nucleon-admin").daemon(true).unstarted(r));
        server.setExecutor(executor);
        BearerToken bearer = new BearerToken(token);
        server.createContext("/live", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
        // The JDK server matches contexts by prefix; respond() answers 404 unless the path is exact.
        server.createContext("/ready", exchange -> {
            boolean isReady = ready.getAsBoolean();
            respond(exchange, isReady ? 200 : 503, "text/plain", isReady ? "ready\n" : "not ready\n");
        });
        server.createContext(
                "/metrics",
                bearer.guard(
                        exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get())));
        server.createContext(
                "/status", bearer.guard(exchange -> respond(exchange, 200, "application/json", status.get())));
        server.createContext(
                "/",
                bearer.guard(exchange ->
                        respond(exchange, 404, "text/plain", "not found: try /live, /ready, /metrics, /status\n")));
        server.start();
    }

    /** @return the bound port */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Checks {@code Authorization: Bearer <token>}, the token in constant time; without a token, lets all in. */
    private static final class BearerToken {

        private static final String SCHEME = "Bearer ";
        private final byte[] expected;

        BearerToken(Optional<String> token) {
            this.expected = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
        }

        HttpHandler guard(HttpHandler handler) {
            if (expected == null) {
                return handler;
            }
            return exchange -> {
                if (authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    handler.handle(exchange);
                } else {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"nucleon-admin\"");
                    respond(exchange, 401, "text/plain", "unauthorized: send 'Authorization: Bearer <admin token>'\n");
                }
            };
        }

        private boolean authorized(String header) {
            if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
                return false;
            }
            byte[] given = header.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8);
            return MessageDigest.isEqual(expected, given);
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            String context = exchange.getHttpContext().getPath();
            if (status == 401) { // unauthorized callers learn nothing about paths or methods
                contentType = "text/plain";
            } else if (!context.equals("/")
                    && !context.equals(exchange.getRequestURI().getPath())) {
                status = 404;
                contentType = "text/plain";
                body = "not found: try /live, /ready, /metrics, /status\n";
            } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                status = 405;
                body = "method not allowed\n";
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
