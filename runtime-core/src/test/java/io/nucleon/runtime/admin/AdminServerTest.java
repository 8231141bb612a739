package io.nucleon.runtime.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint on a real port, with and without a bearer token. */
class AdminServerTest {

    private static final String TOKEN = "s3cret-token";

    private final HttpClient client = HttpClient.newHttpClient();
    private AdminServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        client.close();
    }

    @Test
    void shouldRefuseStatusAndMetricsWithoutTheToken() throws Exception {
        start(Optional.of(TOKEN));

        HttpResponse<String> status = get("/status", null);

        assertThat(status.statusCode()).isEqualTo(401);
        assertThat(status.body()).isEqualTo("unauthorized: send 'Authorization: Bearer <admin token>'\n");
        assertThat(status.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"nucleon-admin\"");
        assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseAWrongToken() throws Exception {
        start(Optional.of(TOKEN));

        assertThat(get("/status", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(get("/status", "Bearer " + TOKEN + "x").statusCode()).isEqualTo(401);
        assertThat(get("/status", "Bearer s3cret").statusCode()).isEqualTo(401);
        assertThat(get("/status", "Basic " + TOKEN).statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "Bearer wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void shouldAnswerWithTheRightToken() throws Exception {
        start(Optional.of(TOKEN));

        HttpResponse<String> status = get("/status", "Bearer " + TOKEN);

        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).isEqualTo("{\"state\":\"READY\"}");
        assertThat(get("/metrics", "Bearer " + TOKEN).body()).isEqualTo("up 1\n");
        assertThat(get("/status", "bearer " + TOKEN).statusCode())
                .as("the scheme is case-insensitive")
                .isEqualTo(200);
    }

    @Test
    void shouldKeepProbesOpenWithAToken() throws Exception {
        start(Optional.of(TOKEN));

        assertThat(get("/live", null).statusCode()).isEqualTo(200);
        assertThat(get("/ready", null).statusCode()).isEqualTo(200);
        assertThat(get("/ready", "Bearer wrong").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldProtectUnknownPathsTooSoNewEndpointsAreNotOpenByAccident() throws Exception {
        start(Optional.of(TOKEN));

        assertThat(get("/debug", null).statusCode()).isEqualTo(401);
        assertThat(get("/status/extra", null).statusCode()).isEqualTo(401);
        assertThat(get("/debug", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswerEveryoneWithoutAToken() throws Exception {
        start(Optional.empty());

        assertThat(get("/status", null).statusCode()).isEqualTo(200);
        assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
        assertThat(get("/status", "Bearer anything").statusCode()).isEqualTo(200);
        assertThat(get("/live", null).statusCode()).isEqualTo(200);
        assertThat(get("/ready", null).statusCode()).isEqualTo(200);
        assertThat(get("/nope", null).statusCode()).isEqualTo(404);
    }

    private void start(Optional<String> token) throws Exception {
        server = new AdminServer("127.0.0.1", 0, () -> true, () -> "up 1\n", () -> "{\"state\":\"READY\"}", token);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
