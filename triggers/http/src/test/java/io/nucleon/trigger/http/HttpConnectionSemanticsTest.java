package io.nucleon.trigger.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 connection rules at the edges: answers stay in order and belong to their requests. */
class HttpConnectionSemanticsTest {

    @BeforeEach
    void resetLatch() {
        RoutingTestFunction.UNBLOCK = new CountDownLatch(1);
    }

    @Test
    void shouldAnswer413InTurnBehindAPendingRequestAndThenClose() throws Exception {
        try (RunningProcessor running =
                        RunningProcessor.start("      numWorkers: 2", "        maxRequestBodySize: 1024", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            raw.send(RawHttp.get("/sleep?ms=300")
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" + "x".repeat(2000)
                    + RawHttp.get("/echo?after"));

            List<RawHttp.Answer> answers = raw.read(2);

            assertThat(answers.get(0).status()).isEqualTo(200);
            assertThat(answers.get(0).body()).isEqualTo("slept");
            assertThat(answers.get(1).status()).isEqualTo(413);
            assertThat(answers.get(1).body()).contains("maxRequestBodySize (1024 bytes)");
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldAnswer500ForAResponseThatCannotBeSentAndKeepTheNextAnswerWithItsRequest() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("      numWorkers: 2", "", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            raw.send(RawHttp.get("/badtype") + RawHttp.get("/echo?next"));

            List<RawHttp.Answer> answers = raw.read(2);

            assertThat(answers.get(0).status()).isEqualTo(500);
            assertThat(answers.get(0).body()).contains("returned a response that cannot be sent");
            assertThat(answers.get(0).headers()).doesNotContain("X-Injected");
            assertThat(answers.get(1).status()).isEqualTo(200);
            assertThat(answers.get(1).headers()).contains("X-Query: next");
        }
    }

    @Test
    void shouldNotRunRequestsPipelinedAfterConnectionClose() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("      numWorkers: 2", "", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            raw.send("GET /echo?first HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + RawHttp.get("/echo?second")
                    + RawHttp.get("/echo?third"));

            RawHttp.Answer answer = raw.read();

            assertThat(answer.headers()).contains("X-Query: first");
            assertThat(raw.closedByServer()).isTrue();
            HttpTriggerTest.await(
                    () -> running.processor.pools().get("web").inFlight() == 0, java.time.Duration.ofSeconds(5));
            assertThat(running.admin("/metrics").body())
                    .contains("nuclio_processor_handled_events_total{function=\"http-test\",result=\"success\","
                            + "trigger_id=\"web\",trigger_kind=\"http\"} 1.0");
        }
    }

    @Test
    void shouldAnswer417ToAnUnsupportedExpectationAndClose() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("", "", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nContent-Length: 5\r\n\r\nhello"
                    + RawHttp.get("/echo?after"));

            assertThat(raw.read().status()).isEqualTo(417);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldSend100ContinueInTurnBehindAPendingAnswer() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("      numWorkers: 2", "", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            raw.send(RawHttp.get("/sleep?ms=300")
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");

            assertThat(raw.read().body()).isEqualTo("slept");
            assertThat(raw.read().status()).isEqualTo(100);
            raw.send("hello");
            RawHttp.Answer echoed = raw.read();
            assertThat(echoed.status()).isEqualTo(200);
            assertThat(echoed.body()).isEqualTo("hello");
        }
    }

    @Test
    void shouldTellHttp10KeepAliveClientsThatTheConnectionStaysOpen() throws Exception {
        try (RunningProcessor running = RunningProcessor.start("", "", "10s");
                RawHttp raw = new RawHttp(running.port())) {
            for (int i = 0; i < 2; i++) {
                raw.send("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                RawHttp.Answer answer = raw.read();
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.headers().toLowerCase()).contains("connection: keep-alive");
            }
        }
    }

    @Test
    void shouldAnswerEveryPipelinedRequestAlreadyTakenWhenDraining() throws Exception {
        RunningProcessor running = RunningProcessor.start("      numWorkers: 3", "", "10s");
        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send(RawHttp.get("/sleep?ms=400") + RawHttp.get("/sleep?ms=400") + RawHttp.get("/sleep?ms=400"));
            HttpTriggerTest.await(
                    () -> running.processor.pools().get("web").busyWorkers() == 3, java.time.Duration.ofSeconds(5));

            CompletableFuture<Void> closing = CompletableFuture.runAsync(running::close);
            List<RawHttp.Answer> answers = raw.read(3);

            assertThat(answers).extracting(RawHttp.Answer::body).containsExactly("slept", "slept", "slept");
            assertThat(answers.get(2).headers().toLowerCase()).contains("connection: close");
            assertThat(raw.closedByServer()).isTrue();
            closing.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldAnswerTheFirstRequestOfAConnectionOpenedJustBeforeTheDrainWithConnectionClose() throws Exception {
        RunningProcessor running = RunningProcessor.start("", "", "10s");
        CompletableFuture<Void> closing;
        try (RawHttp raw = new RawHttp(running.port())) {
            HttpTriggerTest.await(
                    () -> running.processor
                                    .registry()
                                    .get("nucleon_http_open_connections")
                                    .gauge()
                                    .value()
                            == 1,
                    java.time.Duration.ofSeconds(5));
            HttpTrigger trigger = (HttpTrigger) running.processor.trigger("web");

            closing = CompletableFuture.runAsync(running::close);
            HttpTriggerTest.await(trigger::isDraining, java.time.Duration.ofSeconds(5));
            raw.send(RawHttp.get("/echo"));
            RawHttp.Answer answer = raw.read();

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.headers().toLowerCase()).contains("connection: close");
            assertThat(raw.closedByServer()).isTrue();
        } // closing our end ends the server's lingering close
        closing.get(10, TimeUnit.SECONDS);
    }
}
