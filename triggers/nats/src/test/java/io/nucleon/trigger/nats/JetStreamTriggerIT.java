package io.nucleon.trigger.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.Run;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The natsjetstream trigger against the shared NATS server on 127.0.0.1:4222 (JetStream on), each test
 * with a stream of its own.
 */
@SuppressWarnings("try") // processors opened for their side effects
class JetStreamTriggerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KIND = JetStreamTriggerFactory.KIND;

    private NatsFixture nats;
    private Recorder recorder;
    private String stream;
    private String consumer;

    @BeforeEach
    void setUp() {
        SharedBroker.NATS.require();
        nats = new NatsFixture(NatsFixture.SHARED_URL, "js");
        recorder = Recorder.of(nats.function);
        stream = nats.createStream("orders", nats.subject("orders.>"));
        consumer = nats.name("billing");
    }

    @AfterEach
    void tearDown() {
        nats.close();
    }

    private String attributes(String more) {
        return "stream: " + stream + "\nconsumer: " + consumer + (more.isEmpty() ? "" : "\n" + more);
    }

    private void publish(String suffix, String... values) {
        for (String value : values) {
            nats.publishDurably(nats.subject(suffix), null, value);
        }
    }

    @Test
    void shouldHandTheFunctionTheMessageWithItsStreamMetadataAndCreateTheConsumer() {
        long before = System.currentTimeMillis();
        try (Processor processor = nats.start("orders", KIND, 1, attributes("ackWait: 10s\nmaxInFlight: 8"))) {
            Headers headers = new Headers().add("Content-Type", "text/csv").add("x-tenant", "acme");
            nats.publishDurably(nats.subject("orders.eu"), headers, "a,b,c");

            await().atMost(WAIT).until(() -> recorder.seen().size() == 1);
            Run seen = recorder.seen().get(0);
            assertThat(seen.value()).isEqualTo("a,b,c");
            assertThat(seen.topic()).isEqualTo(nats.subject("orders.eu"));
            assertThat(seen.offset()).as("stream sequence").isEqualTo(1);
            assertThat(seen.timestampMillis()).isBetween(before - 1000, System.currentTimeMillis());
            assertThat(seen.contentType()).isEqualTo("text/csv");
            assertThat(seen.headers())
                    .containsEntry("x-tenant", "acme")
                    .containsEntry(JetStreamMessage.STREAM_HEADER, stream)
                    .containsEntry(JetStreamMessage.CONSUMER_HEADER, consumer)
                    .containsEntry(JetStreamMessage.DELIVERED_HEADER, "1");
            await().atMost(WAIT).until(() -> nats.consumerInfo(stream, consumer).getNumAckPending() == 0);

            ConsumerConfiguration created = nats.consumerInfo(stream, consumer).getConsumerConfiguration();
            assertThat(created.getDurable()).isEqualTo(consumer);
            assertThat(created.getDeliverSubject()).as("a pull consumer").isNull();
            assertThat(created.getAckPolicy()).isEqualTo(AckPolicy.Explicit);
            assertThat(created.getAckWait()).isEqualTo(Duration.ofSeconds(10));
            assertThat(created.getMaxAckPending()).as("maxInFlight").isEqualTo(8);
            assertThat(created.getMaxDeliver()).isEqualTo(-1);
            assertThat(NatsFixture.counter(processor, "nucleon_trigger_messages_handled"))
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldRunMessagesOnSeveralWorkersAtOnce() {
        recorder.delayMillis(200);
        try (Processor processor = nats.start("busy", KIND, 4, attributes(""))) {
            publish("orders.busy", NatsFixture.values("m-", 8).toArray(String[]::new));

            await().atMost(WAIT).until(() -> recorder.succeededValues().size() == 8);
        }
        assertThat(recorder.maxRunning()).isGreaterThan(1);
        assertThat(new HashSet<>(recorder.seen().stream().map(Run::thread).toList()))
                .hasSizeGreaterThan(1);
    }

    @Test
    void shouldShareTheConsumerAmongProcessors() {
        List<String> values = NatsFixture.values("job-", 100);
        try (Processor first = nats.start("first", KIND, 2, attributes("maxAckPending: 64"));
                Processor second = nats.start("second", KIND, 2, attributes("maxAckPending: 64"))) {
            recorder.delayMillis(5);
            publish("orders.jobs", values.toArray(String[]::new));

            await().atMost(WAIT).until(() -> new HashSet<>(recorder.succeededValues()).size() == values.size());
            await().atMost(WAIT).until(() -> nats.consumerInfo(stream, consumer).getNumAckPending() == 0);
        }
        assertThat(recorder.succeededValues()).containsExactlyInAnyOrderElementsOf(values);
        assertThat(recorder.succeededValuesBy("first")).isNotEmpty();
        assertThat(recorder.succeededValuesBy("second")).isNotEmpty();
    }

    @Test
    void shouldRedeliverAFailedMessageThroughTheServerThenDeadLetterItIntoAStream() throws Exception {
        String deadStream = nats.createStream("dead", nats.subject("dead"));
        String attributes = attributes("""
                retry: {maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 200ms}
                deadLetterSubject: %s""".formatted(nats.subject("dead")));
        try (Processor processor = nats.start("failing", KIND, 2, attributes)) {
            nats.publishDurably(nats.subject("orders.in"), new Headers().add("x-origin", "test"), "poison-1");
            publish("orders.in", "flaky-1");

            await().atMost(WAIT)
                    .until(() -> nats.management()
                                    .getStreamInfo(deadStream)
                                    .getStreamState()
                                    .getMsgCount()
                            == 1);
            MessageInfo dead = nats.management().getMessage(deadStream, 1);
            assertThat(new String(dead.getData())).isEqualTo("poison-1");
            Headers headers = dead.getHeaders();
            assertThat(headers.getFirst(NatsMessage.DLQ_ERROR_CLASS))
                    .isEqualTo(IllegalArgumentException.class.getName());
            assertThat(headers.getFirst(NatsMessage.DLQ_ERROR)).isEqualTo("cannot handle poison-1");
            assertThat(headers.getFirst(NatsMessage.DLQ_ATTEMPTS)).isEqualTo("3");
            assertThat(headers.getFirst(NatsMessage.DLQ_SUBJECT)).isEqualTo(nats.subject("orders.in"));
            assertThat(headers.getFirst(JetStreamMessage.DLQ_STREAM)).isEqualTo(stream);
            assertThat(headers.getFirst(JetStreamMessage.DLQ_STREAM_SEQUENCE)).isEqualTo("1");
            assertThat(headers.getFirst("x-origin")).as("original headers kept").isEqualTo("test");

            assertThat(recorder.runsOf("poison-1"))
                    .as("each run a new delivery by the server (nak with delay), not a local retry")
                    .extracting(run -> run.headers().get(JetStreamMessage.DELIVERED_HEADER))
                    .containsExactly("1", "2", "3");
            await().atMost(WAIT).until(() -> recorder.succeededValues().contains("flaky-1"));
            assertThat(recorder.runsOf("flaky-1"))
                    .extracting(run -> run.headers().get(JetStreamMessage.DELIVERED_HEADER))
                    .containsExactly("1", "2");
            await().atMost(WAIT).until(() -> {
                ConsumerInfo info = nats.consumerInfo(stream, consumer);
                return info.getNumAckPending() == 0 && info.getNumPending() == 0;
            });
            assertThat(NatsFixture.counter(processor, "nucleon_trigger_messages_dead_lettered"))
                    .isEqualTo(1);
            assertThat(NatsFixture.counter(processor, "nucleon_trigger_messages_handled"))
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldPublishDeadLettersAsPlainMessagesWhenNoStreamKeepsThem() throws Exception {
        Subscription deadLetters = nats.subscribe(nats.subject("nostream.dead"));
        String attributes = attributes("""
                retry: {maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 10ms}
                deadLetterSubject: %s""".formatted(nats.subject("nostream.dead")));
        try (Processor processor = nats.start("failing", KIND, 1, attributes)) {
            publish("orders.in", "poison-2");

            Message dead = deadLetters.nextMessage(WAIT);
            assertThat(dead).isNotNull();
            assertThat(NatsFixture.body(dead)).isEqualTo("poison-2");
            assertThat(dead.getHeaders().getFirst(NatsMessage.DLQ_ATTEMPTS)).isEqualTo("2");
            await().atMost(WAIT).until(() -> nats.consumerInfo(stream, consumer).getNumAckPending() == 0);
            assertThat(deadLetters.nextMessage(Duration.ofMillis(500)))
                    .as("dead-lettered once, then terminated")
                    .isNull();
            assertThat(NatsFixture.counter(processor, "nucleon_trigger_messages_dead_lettered"))
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldRedeliverAMessageWhoseFunctionRanPastTheEventTimeout() {
        nats.eventTimeout = "1s";
        String attributes = attributes("retry: {initialBackoff: 10ms, maxBackoff: 10ms}");
        try (Processor processor = nats.start("stuck", KIND, 1, attributes)) {
            publish("orders.stuck", "hang-1");

            await().atMost(WAIT).until(() -> recorder.succeededValues().contains("hang-1"));
            assertThat(recorder.runsOf("hang-1"))
                    .as("the timed-out run records nothing; the server delivered the message again")
                    .extracting(run -> run.headers().get(JetStreamMessage.DELIVERED_HEADER))
                    .containsExactly("2");
            await().atMost(WAIT).until(() -> nats.consumerInfo(stream, consumer).getNumAckPending() == 0);
            assertThat(NatsFixture.counter(processor, "nucleon_trigger_messages_failed"))
                    .isEqualTo(1);
            recorder.release(); // let the stuck run end, so the processor drains at once
        }
    }

    @Test
    void shouldKeepTheOrderOfEachSubjectRetryingLocallyWhenOrdered() {
        List<String> eu = List.of("eu-0", "eu-1", "flaky-eu-2", "eu-3", "eu-4", "flaky-eu-5", "eu-6");
        List<String> us = List.of("us-0", "flaky-us-1", "us-2", "us-3");
        String attributes =
                attributes("ordered: true\nretry: {maxAttempts: 5, initialBackoff: 50ms, maxBackoff: 100ms}");
        try (Processor processor = nats.start("ordered", KIND, 4, attributes)) {
            for (int i = 0; i < Math.max(eu.size(), us.size()); i++) {
                if (i < eu.size()) {
                    publish("orders.eu", eu.get(i));
                }
                if (i < us.size()) {
                    publish("orders.us", us.get(i));
                }
            }
            await().atMost(WAIT).until(() -> recorder.succeededValues().size() == eu.size() + us.size());
        }
        List<String> succeeded = recorder.succeededValues();
        assertThat(succeeded.stream().filter(eu::contains).toList()).containsExactlyElementsOf(eu);
        assertThat(succeeded.stream().filter(us::contains).toList()).containsExactlyElementsOf(us);
        assertThat(recorder.runsOf("flaky-eu-2"))
                .as("retried here: the server delivered it once")
                .extracting(run -> run.headers().get(JetStreamMessage.DELIVERED_HEADER))
                .containsExactly("1", "1");
    }

    @Test
    void shouldKeepAMessageAliveWhileTheFunctionRunsPastAckWait() {
        recorder.delayMillis(2_500);
        try (Processor processor = nats.start("slow", KIND, 1, attributes("ackWait: 1s"))) {
            publish("orders.slow", "slow-1");

            await().atMost(WAIT).until(() -> recorder.succeededValues().size() == 1);
            await().atMost(WAIT).until(() -> nats.consumerInfo(stream, consumer).getNumAckPending() == 0);
            assertThat(nats.consumerInfo(stream, consumer).getRedelivered())
                    .as("inProgress kept the server from delivering it again")
                    .isZero();
            assertThat(recorder.attemptsOf("slow-1")).isEqualTo(1);
        }
    }

    @Test
    void shouldHandleEveryMessageAfterAProcessorStopsWithMessagesUnfinished() {
        List<String> values = new ArrayList<>(NatsFixture.values("m-", 20));
        values.set(3, "hang-3");
        values.set(11, "hang-11");
        String attributes =
                attributes("workerTerminationTimeout: 500ms\nretry: {maxAttempts: 5, initialBackoff: 10ms}");
        Processor first = nats.start("first", KIND, 4, attributes);
        try {
            publish("orders.batch", values.toArray(String[]::new));
            await().atMost(WAIT).until(() -> recorder.attemptsOf("hang-3") == 1 && recorder.attemptsOf("hang-11") == 1);
        } finally {
            first.close(); // the two hung messages are unfinished
        }
        assertThat(recorder.succeededValues()).doesNotContain("hang-3", "hang-11");

        try (Processor second = nats.start("second", KIND, 4, attributes)) {
            List<String> all = values;
            await().atMost(WAIT).until(() -> recorder.succeededValues().containsAll(all));
            await().atMost(WAIT).until(() -> {
                ConsumerInfo info = nats.consumerInfo(stream, consumer);
                return info.getNumAckPending() == 0 && info.getNumPending() == 0;
            });
            assertThat(recorder.succeededValuesBy("second")).contains("hang-3", "hang-11");
        }
    }

    /** A re-created consumer starts by deliverPolicy (all here), so "first" comes again: at least once. */
    @Test
    void shouldCreateTheConsumerAgainWhenItIsDeleted() throws Exception {
        try (Processor processor = nats.start("orders", KIND, 1, attributes(""))) {
            publish("orders.a", "first");
            await().atMost(WAIT).until(() -> recorder.succeededValues().contains("first"));

            nats.management().deleteConsumer(stream, consumer);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    nats.consumerInfo(stream, consumer);
                    return true;
                } catch (IllegalStateException e) {
                    return false;
                }
            });
            await().atMost(WAIT)
                    .until(() -> processor.trigger("orders").problem().isEmpty());
            publish("orders.a", "second");
            await().atMost(WAIT).until(() -> recorder.succeededValues().contains("second"));
        }
    }

    @Test
    void shouldUpdateTheSettingsOfAnExistingConsumer() throws Exception {
        nats.management()
                .addOrUpdateConsumer(
                        stream,
                        ConsumerConfiguration.builder()
                                .durable(consumer)
                                .ackPolicy(AckPolicy.Explicit)
                                .ackWait(Duration.ofSeconds(30))
                                .maxAckPending(1000)
                                .build());
        try (Processor processor =
                nats.start("orders", KIND, 1, attributes("ackWait: 5s\nmaxInFlight: 12\nmaxDeliver: 9"))) {
            ConsumerConfiguration updated = nats.consumerInfo(stream, consumer).getConsumerConfiguration();
            assertThat(updated.getAckWait()).isEqualTo(Duration.ofSeconds(5));
            assertThat(updated.getMaxAckPending()).isEqualTo(12);
            assertThat(updated.getMaxDeliver()).isEqualTo(9);
        }
    }

    @Test
    void shouldRefuseToStartWithoutTheStream() {
        assertThatThrownBy(() -> nats.start("orders", KIND, 1, "stream: NOPE-" + nats.id + "\nconsumer: c"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("trigger 'orders': JetStream consumer 'c' on stream 'NOPE-" + nats.id
                        + "': stream 'NOPE-" + nats.id + "' does not exist; create it first");
    }

    @Test
    void shouldRefuseAConsumerThatCannotServeTheTrigger() throws Exception {
        nats.management()
                .addOrUpdateConsumer(
                        stream,
                        ConsumerConfiguration.builder()
                                .durable(consumer)
                                .ackPolicy(AckPolicy.Explicit)
                                .filterSubject(nats.subject("orders.eu"))
                                .build());

        assertThatThrownBy(
                        () -> nats.start("orders", KIND, 1, attributes("filterSubject: " + nats.subject("orders.us"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exists with filter subject '" + nats.subject("orders.eu") + "', not '"
                        + nats.subject("orders.us") + "'");
    }
}
