package io.nucleon.trigger.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.nucleon.runtime.Processor;
import io.nucleon.testing.functions.RecordingBatchFunction;
import io.nucleon.testing.functions.Run;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The rabbit-mq trigger against the shared RabbitMQ on 127.0.0.1:5672: mapping, routing, workers, failures. */
class RabbitTriggerIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private RabbitFixture fixture;
    private Processor processor;

    private RabbitFixture fixture(TestInfo test) throws Exception {
        fixture = new RabbitFixture(test);
        return fixture;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (processor != null) {
            processor.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldMapBodyPropertiesHeadersAndRoutingKeyOntoTheEvent(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);
        processor = f.start("rabbitmq", 1, f.attributes(RabbitFixture.URL, ""));
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .messageId("m-1")
                .correlationId("c-1")
                .replyTo("replies")
                .type("order.created")
                .appId("shop")
                .deliveryMode(2)
                .timestamp(new Date(1_700_000_000_000L))
                .headers(Map.of("tenant", "acme", "attempt", 3, "urgent", true))
                .build();

        f.publish("", f.queue, properties, "{\"id\":1}");

        await().atMost(WAIT).until(() -> f.recorder.firstSuccess("{\"id\":1}") != null);
        Run seen = f.recorder.firstSuccess("{\"id\":1}");
        assertThat(seen.contentType()).isEqualTo("application/json");
        assertThat(seen.topic()).as("the routing key").isEqualTo(f.queue);
        assertThat(seen.timestampMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(seen.readOnlyBody()).isTrue();
        assertThat(seen.headers())
                .containsEntry("tenant", "acme")
                .containsEntry("attempt", "3")
                .containsEntry("urgent", "true")
                .containsEntry("amqp-message-id", "m-1")
                .containsEntry("amqp-correlation-id", "c-1")
                .containsEntry("amqp-reply-to", "replies")
                .containsEntry("amqp-type", "order.created")
                .containsEntry("amqp-app-id", "shop")
                .containsEntry("amqp-delivery-mode", "2")
                .containsEntry("amqp-exchange", "")
                .containsEntry("amqp-routing-key", f.queue)
                .containsEntry("amqp-redelivered", "false")
                .doesNotContainKey("amqp-priority");
        assertThat(seen.thread()).startsWith("nucleon-worker-");
        assertEverythingAcknowledgedAfterClosing(f);
    }

    @Test
    void shouldDeclareAQueueOfItsOwnBoundToTheExchangeWithTheTopics(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);
        String exchange = f.exchange(f.function + "-events");
        String ownQueue = f.queue("nucleon-" + f.function + "-orders");
        processor = f.start(1, "exchangeName: " + exchange + "\ntopics: [orders.*]");

        AMQP.BasicProperties plain = new AMQP.BasicProperties();
        f.publish(exchange, "invoices.eu", plain, "i1");
        f.publish(exchange, "orders.eu", plain, "o1");
        f.publish(exchange, "orders.us", plain, "o2");

        await().atMost(WAIT).until(() -> f.recorder.succeededValues().size() >= 2);
        // one worker, one FIFO queue: a routed i1 would have run before o1
        assertThat(f.recorder.succeededValues()).containsExactly("o1", "o2");
        assertThat(f.recorder.firstSuccess("o1").topic()).isEqualTo("orders.eu");
        assertThat(f.recorder.firstSuccess("o1").headers()).containsEntry("amqp-exchange", exchange);
        assertThat(f.channel().queueDeclarePassive(ownQueue).getConsumerCount())
                .as("the trigger consumes the queue it named after the function and trigger")
                .isEqualTo(1);
    }

    @Test
    void shouldRunMessagesConcurrentlyOnSeveralWorkers(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);
        f.recorder.delayMillis(300);
        processor = f.start(4, "");

        for (int i = 0; i < 12; i++) {
            f.publish("m" + i);
        }

        await().atMost(WAIT).until(() -> f.recorder.succeededValues().size() == 12);
        assertThat(f.recorder.maxRunning()).as("messages running at once").isGreaterThan(1);
        assertThat(f.recorder.seen().stream().map(Run::thread).distinct().count())
                .isGreaterThan(1);
    }

    @Test
    void shouldRetryThenRejectToTheDeadLetterExchange(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);
        String dlx = f.exchange(f.function + "-dlx");
        String dlq = f.queue(f.function + "-dlq");
        processor = f.start(2, "deadLetterExchange: " + dlx + "\ndeadLetterRoutingKey: failed");
        // the trigger declared the dead-letter exchange (a fanout); the test reads what reaches it
        f.channel().queueDeclare(dlq, false, false, false, null);
        f.channel().queueBind(dlq, dlx, "");

        f.publish("poison-1", "fail1-a", "ok-b");

        await().atMost(WAIT).until(() -> f.ready(dlq) == 1);
        GetResponse dead = f.get(dlq);
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo("poison-1");
        assertThat(dead.getEnvelope().getRoutingKey()).isEqualTo("failed");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> deaths =
                (List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death");
        assertThat(deaths).hasSize(1);
        assertThat(deaths.get(0).get("reason").toString()).isEqualTo("rejected");
        assertThat(deaths.get(0).get("queue").toString()).isEqualTo(f.queue);
        assertThat(f.recorder.attemptsOf("poison-1")).isEqualTo(3);
        await().atMost(WAIT).until(() -> f.recorder.succeededValues().containsAll(List.of("fail1-a", "ok-b")));
        assertThat(f.recorder.attemptsOf("fail1-a")).isEqualTo(2);
        assertThat(RabbitFixture.counter(processor, "nucleon_trigger_messages_dead_lettered"))
                .isEqualTo(1);
        assertEverythingAcknowledgedAfterClosing(f);
        assertThat(f.ready(dlq)).as("only the poison message was dead-lettered").isZero();
    }

    @Test
    void shouldHandMicroBatchesToABatchFunctionAndDeadLetterOnlyItsFailedMessages(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);
        String dlx = f.exchange(f.function + "-dlx");
        String dlq = f.queue(f.function + "-dlq");
        processor = f.start(
                "rabbit-mq",
                2,
                f.attributes(RabbitFixture.URL, "deadLetterExchange: " + dlx),
                RecordingBatchFunction.class.getName(),
                "      batch: {batchSize: 10, timeout: 50ms}");
        f.channel().queueDeclare(dlq, false, false, false, null);
        f.channel().queueBind(dlq, dlx, "");
        List<String> bodies = new java.util.ArrayList<>();
        for (int i = 0; i < 29; i++) {
            bodies.add("ok-" + i);
        }
        bodies.add("poison-29");
        f.publish(bodies.toArray(String[]::new));

        await().atMost(WAIT).until(() -> f.ready(dlq) == 1);
        await().atMost(WAIT).until(() -> f.recorder.succeededValues().size() == 29);
        assertThat(new String(f.get(dlq).getBody(), StandardCharsets.UTF_8)).isEqualTo("poison-29");
        assertThat(f.recorder.batchSizes()).as("messages arrive in batches").anyMatch(size -> size > 1);
        assertThat(f.recorder.batchSizes()).allMatch(size -> size <= 10);
        assertThat(f.recorder.attemptsOf("poison-29"))
                .as("retried alone, then dead-lettered")
                .isEqualTo(3);
        assertThat(f.recorder.attemptsOf("ok-0"))
                .as("a message that succeeded is not run again")
                .isEqualTo(1);
        assertEverythingAcknowledgedAfterClosing(f);
    }

    @Test
    void shouldKeepRetryingWithoutADeadLetterExchangeUntilTheMessageSucceeds(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);
        processor = f.start(1, "retry: {maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 50ms}");

        f.publish("fail5-x");

        await().atMost(WAIT).until(() -> f.recorder.succeededValues().contains("fail5-x"));
        assertThat(f.recorder.attemptsOf("fail5-x"))
                .as("retried past maxAttempts, every maxBackoff")
                .isEqualTo(6);
        assertThat(RabbitFixture.counter(processor, "nucleon_trigger_messages_handled"))
                .isEqualTo(1);
        assertEverythingAcknowledgedAfterClosing(f);
    }

    @Test
    void shouldRetryAMessageWhoseRunTimedOut(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);
        f.eventTimeout = "500ms";
        f.recorder.hangMillis(3_000);
        processor = f.start(2, "");

        f.publish("hang-1", "ok-1");

        await().atMost(WAIT).until(() -> f.recorder.succeededValues().contains("hang-1"));
        assertThat(f.recorder.attemptsOf("hang-1")).isEqualTo(2);
        assertThat(f.recorder.succeededValues()).contains("ok-1");
        assertThat(RabbitFixture.counter(processor, "nucleon_trigger_messages_failed"))
                .isEqualTo(1);
    }

    @Test
    void shouldCountDeliveriesOfAQuorumQueueAcrossProcessors(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);
        String dlx = f.exchange(f.function + "-dlx");
        String dlq = f.queue(f.function + "-dlq");
        // the first run fails and its retry waits 30 s: the processor stops before it, leaving the message
        String attributes = "queueType: quorum\ndeadLetterExchange: " + dlx
                + "\nretry: {maxAttempts: 2, initialBackoff: 30s, maxBackoff: 30s}";
        processor = f.start(1, attributes);
        f.channel().queueDeclare(dlq, false, false, false, null);
        f.channel().queueBind(dlq, dlx, "");
        f.publish("poison-q");
        await().atMost(WAIT).until(() -> f.recorder.attemptsOf("poison-q") == 1);
        processor.close();

        processor = f.start(1, attributes);

        await().atMost(WAIT).until(() -> f.ready(dlq) == 1);
        assertThat(f.recorder.attemptsOf("poison-q"))
                .as("the broker's count made the second processor's first run the last attempt")
                .isEqualTo(2);
        assertThat(f.recorder.seen().get(1).headers())
                .containsEntry("x-delivery-count", "1")
                .containsEntry("amqp-redelivered", "true");
    }

    /** Closing the connection requeues whatever is unacknowledged: the queue must stay empty. */
    private void assertEverythingAcknowledgedAfterClosing(RabbitFixture f) {
        await().atMost(WAIT).until(() -> RabbitFixture.settled(processor));
        processor.close();
        processor = null;
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(f.ready(f.queue)).isZero());
    }

    // ---- bad configurations ---------------------------------------------------------------------------

    @Test
    void shouldFailToStartWhenTheLoginIsRefusedWithoutShowingThePassword(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);

        assertThatThrownBy(() ->
                        f.start("rabbit-mq", 1, f.attributes("amqp://guest:not-the-password@127.0.0.1:5672/", "")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("trigger 'orders': RabbitMQ at amqp://guest@127.0.0.1:5672/: cannot connect: ")
                .hasMessageContaining("refused the login")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void shouldFailToStartOnAVhostThatDoesNotExist(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);

        assertThatThrownBy(() ->
                        f.start("rabbit-mq", 1, f.attributes("amqp://guest:guest@127.0.0.1:5672/no-such-vhost", "")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("trigger 'orders': RabbitMQ at amqp://guest@127.0.0.1:5672/no-such-vhost: ")
                .hasMessageContaining("NOT_ALLOWED - vhost no-such-vhost not found")
                .hasMessageContaining("check the user, the password and the vhost in url");
    }

    @Test
    void shouldFailToStartWhenTheQueueExistsWithOtherArguments(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);
        f.channel().queueDeclare(f.queue, true, false, false, null);
        String dlx = f.exchange(f.function + "-dlx");

        assertThatThrownBy(() -> f.start(1, "deadLetterExchange: " + dlx))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("trigger 'orders': RabbitMQ at amqp://guest@127.0.0.1:5672/: cannot declare "
                        + "queue '" + f.queue + "': RabbitMQ refused: PRECONDITION_FAILED - inequivalent arg "
                        + "'x-dead-letter-exchange'")
                .hasMessageEndingWith("RabbitMQ keeps a queue's settings once it exists: make durableQueue, queueType, "
                        + "deadLetterExchange and deadLetterRoutingKey match the queue, delete the queue, or set "
                        + "declare: false and configure it by policy");
    }

    @Test
    void shouldFailToStartWhenAQueueThatMustExistDoesNot(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);

        assertThatThrownBy(() -> f.start(1, "declare: false"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("trigger 'orders': RabbitMQ at amqp://guest@127.0.0.1:5672/: cannot find queue '"
                        + f.queue + "': RabbitMQ refused: NOT_FOUND - no queue '" + f.queue + "' in vhost '/'; "
                        + "declare: false, so the trigger does not create it");
    }

    @Test
    void shouldConsumeAQueueThatExistsWithoutDeclaringIt(TestInfo test) throws Exception {
        RabbitFixture f = fixture(test);
        f.channel().queueDeclare(f.queue, false, false, false, Map.of("x-max-length", 1000));
        processor = f.start(1, "declare: false");

        f.publish("ok-1");

        await().atMost(WAIT).until(() -> f.recorder.succeededValues().contains("ok-1"));
    }
}
