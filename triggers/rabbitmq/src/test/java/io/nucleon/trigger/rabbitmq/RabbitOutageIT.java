package io.nucleon.trigger.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The broker going away and coming back, without stopping the shared RabbitMQ: the trigger reaches it
 * through a {@link TcpProxy} of the test's own, and the test cuts the proxy (every connection closed, the
 * port refusing) and restores it.
 */
class RabbitOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private RabbitFixture fixture;
    private TcpProxy proxy;
    private Processor processor;

    @AfterEach
    void tearDown() throws Exception {
        if (processor != null) {
            processor.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldSurviveTheBrokerGoingAwayWithoutLosingMessages(TestInfo test) throws Exception {
        RabbitFixture f = fixture = new RabbitFixture(test);
        proxy = TcpProxy.start("127.0.0.1", 5672);
        f.recorder.delayMillis(300);
        processor = f.start("rabbit-mq", 2, f.attributes(proxiedUrl(), ""));
        var trigger = processor.trigger("orders");
        List<String> before = values("before-", 10);
        f.publish(before.toArray(String[]::new));
        await().atMost(WAIT).until(() -> f.recorder.succeededValues().size() >= 2 && f.recorder.running() > 0);

        proxy.cut();

        await().atMost(WAIT).until(() -> trigger.problem().isPresent());
        // "lost ..." at once, then "cannot consume ..." after the first failed reconnect, 100 ms later
        assertThat(trigger.problem().orElseThrow())
                .matches("(lost|cannot consume from) RabbitMQ at amqp://guest@127\\.0\\.0\\.1:" + proxy.port() + "/.*");
        assertThat(RabbitFixture.gauge(processor, "nucleon_rabbitmq_connected")).isZero();
        List<String> during = values("during-", 5);
        f.publish(during.toArray(String[]::new)); // straight to the broker, which is still there
        await().atMost(WAIT).untilAsserted(() -> assertThat(trigger.problem().orElse(""))
                .as("reconnect attempts fail while the port refuses")
                .startsWith("cannot consume from RabbitMQ at amqp://guest@127.0.0.1:" + proxy.port()
                        + "/: cannot connect: ConnectException")
                .contains("trying again in"));
        await().atMost(WAIT).until(() -> f.recorder.running() == 0);
        assertThat(RabbitFixture.counter(processor, "nucleon_trigger_ack_failures"))
                .as("messages that finished after the cut could not be acknowledged on their closed channel")
                .isPositive();

        proxy.restore();

        await().atMost(WAIT).until(() -> trigger.problem().isEmpty());
        List<String> after = values("after-", 5);
        f.publish(after.toArray(String[]::new));
        List<String> all = new ArrayList<>(before);
        all.addAll(during);
        all.addAll(after);
        await().atMost(WAIT).until(() -> f.recorder.succeededValues().containsAll(all));
        await().atMost(WAIT).until(() -> RabbitFixture.settled(processor) && f.ready(f.queue) == 0);
        assertThat(RabbitFixture.counter(processor, "nucleon_rabbitmq_connection_losses"))
                .as("one loss: no stale acknowledgement reached the new channel and broke it")
                .isEqualTo(1);
        assertThat(RabbitFixture.gauge(processor, "nucleon_rabbitmq_connected")).isEqualTo(1);
        processor.close();
        processor = null;
        assertThat(f.ready(f.queue)).as("nothing left unacknowledged").isZero();
    }

    @Test
    void shouldStartWhileTheBrokerIsAwayAndConsumeOnceItIsBack(TestInfo test) throws Exception {
        RabbitFixture f = fixture = new RabbitFixture(test);
        proxy = TcpProxy.start("127.0.0.1", 5672);
        f.channel().queueDeclare(f.queue, true, false, false, null);
        f.publish("ok-1");
        proxy.cut();

        processor = f.start("rabbit-mq", 1, f.attributes(proxiedUrl(), ""));

        var trigger = processor.trigger("orders");
        assertThat(trigger.problem().orElseThrow())
                .startsWith("cannot consume from RabbitMQ at amqp://guest@127.0.0.1:" + proxy.port()
                        + "/: cannot connect: ConnectException");
        assertThat(f.recorder.seen()).isEmpty();
        proxy.restore();
        await().atMost(WAIT).until(() -> trigger.problem().isEmpty());
        await().atMost(WAIT).until(() -> f.recorder.succeededValues().contains("ok-1"));
    }

    @Test
    void shouldReportARefusalAfterTheStartAsAProblemAndKeepTrying(TestInfo test) throws Exception {
        RabbitFixture f = fixture = new RabbitFixture(test);
        proxy = TcpProxy.start("127.0.0.1", 5672);
        proxy.cut();
        processor = f.start("rabbit-mq", 1, f.attributes(proxiedUrl().replace("guest:guest", "guest:s3cret"), ""));
        var trigger = processor.trigger("orders");

        proxy.restore();

        await().atMost(WAIT).untilAsserted(() -> assertThat(trigger.problem().orElse(""))
                .contains("RabbitMQ refused the login")
                .doesNotContain("s3cret"));
        assertThat(processor.state()).isEqualTo(io.nucleon.runtime.ProcessorState.READY);
    }

    @Test
    void shouldDeclareTheQueueAgainWhenItIsDeletedWhileConsuming(TestInfo test) throws Exception {
        RabbitFixture f = fixture = new RabbitFixture(test);
        processor = f.start(1, "");
        f.publish("ok-1");
        await().atMost(WAIT).until(() -> f.recorder.succeededValues().contains("ok-1"));

        f.channel().queueDelete(f.queue); // RabbitMQ cancels the consumer

        await().atMost(WAIT)
                .until(() -> RabbitFixture.counter(processor, "nucleon_rabbitmq_connection_losses") == 1
                        && processor.trigger("orders").problem().isEmpty());
        await().atMost(WAIT)
                .until(() -> f.channel().queueDeclarePassive(f.queue).getConsumerCount() == 1);
        f.publish("ok-2");
        await().atMost(WAIT).until(() -> f.recorder.succeededValues().contains("ok-2"));
    }

    private String proxiedUrl() {
        return "amqp://guest:guest@127.0.0.1:" + proxy.port() + "/";
    }

    private static List<String> values(String prefix, int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(prefix + i);
        }
        return values;
    }
}
