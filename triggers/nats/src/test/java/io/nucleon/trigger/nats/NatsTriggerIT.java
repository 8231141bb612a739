package io.nucleon.trigger.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.Run;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The nats trigger (core subjects) against the shared NATS server on 127.0.0.1:4222. */
@SuppressWarnings("try") // processors opened for their side effects
class NatsTriggerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KIND = NatsTriggerFactory.KIND;

    private NatsFixture nats;
    private Recorder recorder;

    @BeforeEach
    void setUp() {
        SharedBroker.NATS.require();
        nats = new NatsFixture(NatsFixture.SHARED_URL, "core");
        recorder = Recorder.of(nats.function);
    }

    @AfterEach
    void tearDown() {
        nats.close();
    }

    @Test
    void shouldHandTheFunctionTheBodySubjectAndHeaders() {
        try (Processor processor = nats.start("orders", KIND, 1, "topic: " + nats.subject("orders.*"))) {
            Headers headers =
                    new Headers().add("Content-Type", "application/json").add("x-tenant", "acme", "other");
            nats.publish(nats.subject("orders.eu"), headers, "{\"id\":7}");

            await().atMost(WAIT).until(() -> recorder.seen().size() == 1);
            Run seen = recorder.seen().get(0);
            assertThat(seen.value()).isEqualTo("{\"id\":7}");
            assertThat(seen.topic()).isEqualTo(nats.subject("orders.eu"));
            assertThat(seen.contentType()).isEqualTo("application/json");
            assertThat(seen.headers())
                    .containsEntry("x-tenant", "acme")
                    .containsEntry("Content-Type", "application/json");
            assertThat(seen.offset()).as("core NATS has no sequence").isEqualTo(-1);
            assertThat(seen.trigger()).isEqualTo("orders");
            await().atMost(WAIT).until(() -> NatsFixture.counter(processor, "nucleon_trigger_messages_handled") == 1);
        }
    }

    @Test
    void shouldAnswerARequestWithTheFunctionsResponse() throws Exception {
        try (Processor processor = nats.start("rpc", KIND, 1, "topic: " + nats.subject("rpc"))) {
            Message reply = nats.client.request(
                    nats.subject("rpc"), "ping".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));

            assertThat(reply).isNotNull();
            assertThat(NatsFixture.body(reply)).isEqualTo("re: ping");
            assertThat(reply.getHeaders().getFirst("x-answered-by")).isEqualTo("rpc");
        }
    }

    @Test
    void shouldShareTheMessagesAmongProcessorsOfOneQueueGroup() {
        String attributes = "topic: " + nats.subject("jobs") + "\nqueueName: " + nats.name("workers");
        List<String> values = NatsFixture.values("job-", 200);
        try (Processor first = nats.start("first", KIND, 2, attributes);
                Processor second = nats.start("second", KIND, 2, attributes)) {
            values.forEach(value -> nats.publish(nats.subject("jobs"), value));
            nats.flush();

            await().atMost(WAIT).until(() -> recorder.succeededValues().size() == values.size());
        }
        assertThat(recorder.succeededValues()).as("each message once").containsExactlyInAnyOrderElementsOf(values);
        assertThat(recorder.succeededValuesBy("first")).isNotEmpty();
        assertThat(recorder.succeededValuesBy("second")).isNotEmpty();
    }

    @Test
    void shouldGiveEveryProcessorEveryMessageWithoutAQueueGroup() {
        String attributes = "topic: " + nats.subject("broadcast");
        List<String> values = NatsFixture.values("news-", 20);
        try (Processor first = nats.start("first", KIND, 1, attributes);
                Processor second = nats.start("second", KIND, 1, attributes)) {
            values.forEach(value -> nats.publish(nats.subject("broadcast"), value));
            nats.flush();

            await().atMost(WAIT).until(() -> recorder.succeededValues().size() == 2 * values.size());
        }
        assertThat(recorder.succeededValuesBy("first")).containsExactlyInAnyOrderElementsOf(values);
        assertThat(recorder.succeededValuesBy("second")).containsExactlyInAnyOrderElementsOf(values);
    }

    @Test
    void shouldRunMessagesOnSeveralWorkersAtOnce() {
        recorder.delayMillis(200);
        try (Processor processor = nats.start("busy", KIND, 4, "topic: " + nats.subject("busy"))) {
            NatsFixture.values("m-", 8).forEach(value -> nats.publish(nats.subject("busy"), value));

            await().atMost(WAIT).until(() -> recorder.succeededValues().size() == 8);
        }
        assertThat(recorder.maxRunning()).isGreaterThan(1);
        assertThat(new HashSet<>(recorder.seen().stream().map(Run::thread).toList()))
                .hasSizeGreaterThan(1);
    }

    @Test
    void shouldRetryAFailedMessageThenPublishItToTheDeadLetterSubjectWithTheReason() throws Exception {
        Subscription deadLetters = nats.subscribe(nats.subject("dead"));
        String attributes = """
                topic: %s
                retry: {maxAttempts: 3, initialBackoff: 10ms, maxBackoff: 50ms}
                deadLetterSubject: %s""".formatted(nats.subject("in"), nats.subject("dead"));
        try (Processor processor = nats.start("failing", KIND, 2, attributes)) {
            nats.publish(nats.subject("in"), new Headers().add("x-origin", "test"), "poison-1");
            nats.publish(nats.subject("in"), "flaky-1");

            Message dead = deadLetters.nextMessage(WAIT);
            assertThat(dead).as("a dead letter").isNotNull();
            assertThat(NatsFixture.body(dead)).isEqualTo("poison-1");
            Headers headers = dead.getHeaders();
            assertThat(headers.getFirst(NatsMessage.DLQ_ERROR_CLASS))
                    .isEqualTo(IllegalArgumentException.class.getName());
            assertThat(headers.getFirst(NatsMessage.DLQ_ERROR)).isEqualTo("cannot handle poison-1");
            assertThat(headers.getFirst(NatsMessage.DLQ_ATTEMPTS)).isEqualTo("3");
            assertThat(headers.getFirst(NatsMessage.DLQ_SUBJECT)).isEqualTo(nats.subject("in"));
            assertThat(headers.getFirst(NatsMessage.DLQ_FUNCTION)).isEqualTo(nats.function);
            assertThat(headers.getFirst(NatsMessage.DLQ_TRIGGER)).isEqualTo("failing");
            assertThat(headers.getFirst("x-origin")).as("original headers kept").isEqualTo("test");
            assertThat(recorder.attemptsOf("poison-1")).isEqualTo(3);
            await().atMost(WAIT).until(() -> recorder.succeededValues().contains("flaky-1"));
            assertThat(recorder.attemptsOf("flaky-1")).isEqualTo(2);
            assertThat(deadLetters.nextMessage(Duration.ofMillis(200)))
                    .as("only the poison message")
                    .isNull();
            assertThat(NatsFixture.counter(processor, "nucleon_trigger_messages_dead_lettered"))
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldRetryAMessageWhoseFunctionRanPastTheEventTimeout() {
        nats.eventTimeout = "1s";
        String attributes = "topic: " + nats.subject("stuck") + "\nretry: {initialBackoff: 10ms, maxBackoff: 10ms}";
        try (Processor processor = nats.start("stuck", KIND, 1, attributes)) {
            nats.publish(nats.subject("stuck"), "hang-1");

            await().atMost(WAIT).until(() -> recorder.succeededValues().contains("hang-1"));
            assertThat(recorder.attemptsOf("hang-1")).isEqualTo(2);
            assertThat(NatsFixture.counter(processor, "nucleon_trigger_messages_failed"))
                    .isEqualTo(1);
            recorder.release(); // let the stuck run end, so the processor drains at once
        }
    }

    @Test
    void shouldCountEveryMessageTheClientDropsWhenTheFunctionFallsBehind() {
        recorder.delayMillis(20);
        int published = 300;
        String attributes = """
                topic: %s
                maxInFlight: 1
                pendingMessageLimit: 5""".formatted(nats.subject("flood"));
        try (Processor processor = nats.start("flood", KIND, 1, attributes)) {
            NatsFixture.values("f-", published).forEach(value -> nats.publish(nats.subject("flood"), value));
            nats.flush();

            await().atMost(WAIT)
                    .until(() -> NatsFixture.counter(processor, "nucleon_trigger_messages_handled")
                                    + NatsFixture.dropped(processor, "slow_consumer")
                            == published);
            double dropped = NatsFixture.dropped(processor, "slow_consumer");
            assertThat(dropped).as("the client dropped some").isGreaterThan(0);
            assertThat(recorder.succeededValues()).hasSize((int) (published - dropped));
            assertThat(((NatsTrigger) processor.trigger("flood")).droppedSlowConsumer())
                    .isEqualTo((long) dropped);
        }
    }

    @Test
    void shouldFailToStartWithAClearErrorWhenNoServerAnswers() {
        int port = BrokerProcess.freePort();
        nats.processorUrl = "nats://127.0.0.1:" + port;

        assertThatThrownBy(() -> nats.start("orders", KIND, 1, "topic: x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("trigger 'orders': cannot connect to NATS at nats://127.0.0.1:" + port);
    }
}
