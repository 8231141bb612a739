package io.nucleon.trigger.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.api.ConsumerInfo;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorState;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.functions.Recorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A NATS server of the test's own (JetStream on, file storage in its directory) stops under a running
 * trigger and starts again on the same port: the trigger reports the outage as its problem, clears it
 * once reconnected, and messages flow again without a restart of the processor.
 */
class NatsOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldReportTheOutageAndResumeCoreSubscriptionsAfterTheServerReturns() {
        try (BrokerProcess server = BrokerProcess.nats();
                NatsFixture nats = new NatsFixture("nats://" + server.address(), "core-outage");
                Processor processor =
                        nats.start("orders", NatsTriggerFactory.KIND, 1, "topic: " + nats.subject("in"))) {
            Recorder recorder = Recorder.of(nats.function);
            Trigger trigger = processor.trigger("orders");
            nats.publish(nats.subject("in"), "before");
            await().atMost(WAIT).until(() -> recorder.succeededValues().contains("before"));

            server.stop();
            await().atMost(WAIT).until(() -> trigger.problem().isPresent());
            assertThat(trigger.problem().orElseThrow())
                    .contains("disconnected from NATS at nats://" + server.address());

            server.start();
            await().atMost(WAIT).until(() -> trigger.problem().isEmpty());
            await().atMost(WAIT).until(() -> nats.client.getStatus() == Connection.Status.CONNECTED);
            // core NATS keeps nothing: probe until the trigger's subscription is back, then count
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                nats.publish(nats.subject("in"), "probe");
                return recorder.succeededValues().contains("probe");
            });
            List<String> after = NatsFixture.values("after-", 20);
            after.forEach(value -> nats.publish(nats.subject("in"), value));
            await().atMost(WAIT).until(() -> recorder.succeededValues().containsAll(after));
            assertThat(processor.state()).isEqualTo(ProcessorState.READY);
        }
    }

    @Test
    void shouldRedeliverUnfinishedMessagesAndResumeJetStreamAfterTheServerRestarts() {
        try (BrokerProcess server = BrokerProcess.nats();
                NatsFixture nats = new NatsFixture("nats://" + server.address(), "js-outage")) {
            Recorder recorder = Recorder.of(nats.function);
            String stream = nats.createStream("orders", nats.subject("orders.>"));
            String consumer = nats.name("billing");
            String attributes = "stream: " + stream + "\nconsumer: " + consumer + "\nackWait: 2s";
            try (Processor processor = nats.start("orders", JetStreamTriggerFactory.KIND, 2, attributes)) {
                Trigger trigger = processor.trigger("orders");
                List<String> before = NatsFixture.values("before-", 5);
                before.forEach(value -> nats.publishDurably(nats.subject("orders.a"), null, value));
                await().atMost(WAIT).until(() -> recorder.succeededValues().containsAll(before));

                // messages stored and taken, but still running when the server goes away
                recorder.delayMillis(1_500);
                List<String> during = NatsFixture.values("during-", 4);
                during.forEach(value -> nats.publishDurably(nats.subject("orders.a"), null, value));
                await().atMost(WAIT).until(() -> ((JetStreamTrigger) trigger).held() > 0);
                server.stop();
                await().atMost(WAIT).until(() -> trigger.problem().isPresent());
                assertThat(trigger.problem().orElseThrow()).contains("disconnected from NATS");
                recorder.delayMillis(0);

                server.start();
                await().atMost(WAIT).until(() -> trigger.problem().isEmpty());
                await().atMost(WAIT).until(() -> recorder.succeededValues().containsAll(during));

                List<String> after = NatsFixture.values("after-", 10);
                await().atMost(WAIT).until(() -> nats.client.getStatus() == Connection.Status.CONNECTED);
                after.forEach(value -> nats.publishDurably(nats.subject("orders.b"), null, value));
                await().atMost(WAIT).until(() -> recorder.succeededValues().containsAll(after));
                await().atMost(WAIT).until(() -> {
                    ConsumerInfo info = nats.consumerInfo(stream, consumer);
                    return info.getNumAckPending() == 0 && info.getNumPending() == 0;
                });
                assertThat(processor.state()).isEqualTo(ProcessorState.READY);
                List<String> all = new ArrayList<>(before);
                all.addAll(during);
                all.addAll(after);
                assertThat(recorder.succeededValues()).containsAll(all);
            }
        }
    }
}
