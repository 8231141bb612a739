package io.nucleon.trigger.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP trigger against a real processor, with real clients on loopback. */
class HttpTriggerTest {

    @BeforeEach
    void resetLatch() {
        RoutingTestFunction.UNBLOCK = new CountDownLatch(1);
    }

    @Test
    void shouldAnswerWithTheFunctionsBodyAndHeaders() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("", "", "10s")) {
            HttpResponse<String> response = running.post("/echo?a=1&b=2", "hello nucleon");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello nucleon");
            assertThat(response.headers().firstValue("X-Method")).hasValue("POST");
            assertThat(response.headers().firstValue("X-Query")).hasValue("a=1&b=2");
            assertThat(response.headers().firstValue("X-Trigger")).hasValue("web");
        }
    }

    @Test
    void shouldAnswer400ToAMalformedRequestLine() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("", "", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            raw.send("THIS IS NOT HTTP\r\n\r\n");

            RawHttp.Answer answer = raw.read();

            assertThat(answer.status()).isEqualTo(400);
            assertThat(raw.closedByServer()).isTrue();
            assertThat(running.get("/echo").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldAnswer414ToAnOverlongRequestLine() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("", "        maxInitialLineLength: 128", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            raw.send(RawHttp.get("/echo?" + "x".repeat(500)));

            assertThat(raw.read().status()).isEqualTo(414);
        }
    }

    @Test
    void shouldAnswer431ToOversizedHeaders() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("", "        maxHeaderSize: 512", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            raw.send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(2000) + "\r\n\r\n");

            assertThat(raw.read().status()).isEqualTo(431);
        }
    }

    @Test
    void shouldAnswer413ToABodyOverTheLimit() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("", "        maxRequestBodySize: 1024", "10s")) {
            assertThat(running.post("/echo", "x".repeat(1024)).statusCode()).isEqualTo(200);

            HttpResponse<String> tooLarge = running.post("/echo", "x".repeat(4096));

            assertThat(tooLarge.statusCode()).isEqualTo(413);
            assertThat(running.get("/echo").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldAnswer500WhenTheFunctionThrowsAndKeepServing() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("      numWorkers: 1", "", "10s")) {
            HttpResponse<String> failed = running.get("/fail");

            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body())
                    .contains("IllegalStateException: boom")
                    .doesNotContain("second line")
                    .doesNotContain("at io.nucleon");
            for (int i = 0; i < 5; i++) {
                assertThat(running.get("/echo").statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void shouldAnswer503WhenNoWorkerFreesUpInTime() throws Exception {
        String trigger = "      numWorkers: 1\n      workerAvailabilityTimeoutMilliseconds: 200";
        try (RunningProcessor running = RunningProcessor.start(trigger, "", "30s")) {
            CompletableFuture<HttpResponse<String>> blocked = running.client.sendAsync(
                    java.net.http.HttpRequest.newBuilder(running.uri("/block")).build(),
                    HttpResponse.BodyHandlers.ofString());
            await(() -> running.processor.pools().get("web").busyWorkers() == 1, Duration.ofSeconds(5));

            long start = System.nanoTime();
            HttpResponse<String> refused = running.get("/echo");
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("no worker became available within 200 ms");
            assertThat(waitedMs).isGreaterThanOrEqualTo(190);
            RoutingTestFunction.UNBLOCK.countDown();
            assertThat(blocked.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(running.get("/echo").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldAnswer504OnEventTimeoutAndReplaceTheWorker() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("      numWorkers: 1", "", "300ms")) {
            HttpResponse<String> timedOut = running.get("/hang");

            assertThat(timedOut.statusCode()).isEqualTo(504);
            assertThat(timedOut.body()).contains("300 ms");
            HttpResponse<String> next = running.get("/echo");
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(running.admin("/metrics").body())
                    .contains("nucleon_worker_pool_workers_replaced_total{function=\"http-test\",pool=\"web\"} 1.0");
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrder() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("      numWorkers: 3", "", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            raw.send(RawHttp.get("/sleep?ms=300") + RawHttp.get("/echo?second") + RawHttp.get("/echo?third"));

            List<RawHttp.Answer> answers = raw.read(3);

            assertThat(answers).extracting(RawHttp.Answer::body).containsExactly("slept", "", "");
            assertThat(answers.get(1).headers()).contains("X-Query: second");
            assertThat(answers.get(2).headers()).contains("X-Query: third");
        }
    }

    @Test
    void shouldKeepTheConnectionAliveAcrossRequests() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("", "", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            for (int i = 0; i < 20; i++) {
                raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n" + String.format("%02d", i));
                RawHttp.Answer answer = raw.read();
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.body()).isEqualTo(String.format("%02d", i));
            }
        }
    }

    @Test
    void shouldCloseAfterAnsweringAConnectionCloseRequest() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("", "", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            raw.send("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(raw.read().status()).isEqualTo(200);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldNotDelayAFastEventBehindASlowOneWhileAWorkerIsFree() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("      numWorkers: 2", "", "30s")) {
            CompletableFuture<HttpResponse<String>> slow = running.client.sendAsync(
                    java.net.http.HttpRequest.newBuilder(running.uri("/block")).build(),
                    HttpResponse.BodyHandlers.ofString());
            await(() -> running.processor.pools().get("web").busyWorkers() == 1, Duration.ofSeconds(5));

            for (int i = 0; i < 10; i++) {
                assertThat(running.get("/echo").statusCode()).isEqualTo(200);
            }

            assertThat(slow).isNotDone();
            RoutingTestFunction.UNBLOCK.countDown();
            assertThat(slow.get(10, TimeUnit.SECONDS).body()).isEqualTo("unblocked");
        }
    }

    @Test
    void shouldCountHandledEventsOnTheMetricsEndpoint() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("", "", "10s")) {
            double before = handled(running, "success");
            for (int i = 0; i < 3; i++) {
                running.get("/echo");
            }
            running.get("/fail");

            assertThat(handled(running, "success")).isEqualTo(before + 3);
            assertThat(handled(running, "failure")).isEqualTo(1);
        }
    }

    @Test
    void shouldAnswerLivenessAndReadiness() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("", "", "10s")) {
            assertThat(running.admin("/live").statusCode()).isEqualTo(200);
            assertThat(running.admin("/ready").statusCode()).isEqualTo(200);
            assertThat(running.admin("/status").body()).contains("\"state\":\"READY\"", "\"name\":\"web\"");
        }
    }

    @Test
    void shouldFinishInFlightRequestsWhenClosing() throws Exception {
        RunningProcessor running = RunningProcessor.start("      numWorkers: 2", "", "10s");
        CompletableFuture<HttpResponse<String>> first = running.client.sendAsync(
                java.net.http.HttpRequest.newBuilder(running.uri("/sleep?ms=500"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> second = running.client.sendAsync(
                java.net.http.HttpRequest.newBuilder(running.uri("/sleep?ms=500"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        await(() -> running.processor.pools().get("web").busyWorkers() == 2, Duration.ofSeconds(5));

        running.close();

        assertThat(first.get(5, TimeUnit.SECONDS).body()).isEqualTo("slept");
        assertThat(second.get(5, TimeUnit.SECONDS).body()).isEqualTo("slept");
    }

    private static double handled(RunningProcessor running, String result) throws Exception {
        String metrics = running.admin("/metrics").body();
        Matcher matcher = Pattern.compile("nuclio_processor_handled_events_total\\{[^}]*result=\"" + result
                        + "\"[^}]*trigger_id=\"web\"[^}]*} ([0-9.E]+)")
                .matcher(metrics);
        assertThat(matcher.find()).as("metric in:\n%s", metrics).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    static void await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
