package io.nucleon.trigger.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.Run;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mqtt trigger against the shared Mosquitto: mapping, wildcards, workers, order, retries, dead letters. */
class MqttTriggerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeEach
    void requireBroker() {
        SharedBroker.MOSQUITTO.require();
    }

    @Test
    void shouldMapPayloadTopicAndMqttFlagsOntoTheEvent() {
        try (MqttFixture mqtt = new MqttFixture("mapping")) {
            String retainedTopic = mqtt.base + "/retained";
            mqtt.publish(retainedTopic, "kept", 1, true); // before the subscription: sent on subscribing
            Recorder recorder = Recorder.of(mqtt.function);
            String subscriptions = "        subscriptions: [{topic: \"" + mqtt.base + "/+\", qos: 1}, " + "{topic: \""
                    + mqtt.base + "/zero/#\", qos: 0}]";
            try (Processor processor = mqtt.start(1, subscriptions)) {
                await().atMost(WAIT).until(() -> recorder.lastSuccess("kept") != null);
                long before = System.currentTimeMillis();
                mqtt.publish(mqtt.base + "/kitchen", "héllo", 1, false);
                mqtt.publish(mqtt.base + "/zero/x", "fire-and-forget", 1, false);
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() == 3);
                long after = System.currentTimeMillis();

                Run hello = recorder.lastSuccess("héllo");
                assertThat(hello.topic()).isEqualTo(mqtt.base + "/kitchen");
                assertThat(hello.headers())
                        .containsEntry("mqtt-qos", "1")
                        .containsEntry("mqtt-retained", "false")
                        .containsEntry("mqtt-duplicate", "false")
                        .containsKey("mqtt-message-id")
                        .hasSize(4);
                assertThat(Integer.parseInt(hello.headers().get("mqtt-message-id")))
                        .isPositive();
                assertThat(hello.timestampMillis()).as("arrival time").isBetween(before, after);

                assertThat(recorder.lastSuccess("kept").headers())
                        .as("a retained message, sent when the trigger subscribed")
                        .containsEntry("mqtt-retained", "true");
                assertThat(recorder.lastSuccess("fire-and-forget").headers())
                        .as("delivered with the lower of publish and subscription QoS")
                        .containsEntry("mqtt-qos", "0")
                        .containsEntry("mqtt-message-id", "0");
                assertThat(processor.trigger(MqttFixture.TRIGGER).kind()).isEqualTo("mqtt");
                assertThat(processor.trigger(MqttFixture.TRIGGER).problem()).isEmpty();
            } finally {
                mqtt.publish(retainedTopic, "", 1, true); // an empty retained message clears it
            }
        }
    }

    @Test
    void shouldDeliverExactlyWhatTheWildcardSubscriptionsMatch() {
        try (MqttFixture mqtt = new MqttFixture("wildcards")) {
            Recorder recorder = Recorder.of(mqtt.function);
            String subscriptions = "        subscriptions: [{topic: \"" + mqtt.base + "/+/temperature\"}, "
                    + "{topic: \"" + mqtt.base + "/alarms/#\", qos: 2}]";
            try (Processor processor = mqtt.start(2, subscriptions)) {
                for (String topic : List.of(
                        "kitchen/temperature",
                        "kitchen/humidity",
                        "kitchen/temperature/max",
                        "alarms",
                        "alarms/fire/1",
                        "hall/temperature")) {
                    mqtt.publish(mqtt.base + "/" + topic, topic, 2, false);
                }
                await().atMost(WAIT).until(() -> recorder.succeededValues().contains("hall/temperature"));
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 4);
                assertThat(recorder.succeededValues())
                        .containsExactlyInAnyOrder(
                                "kitchen/temperature", "alarms", "alarms/fire/1", "hall/temperature");
                assertThat(recorder.lastSuccess("alarms/fire/1").headers()).containsEntry("mqtt-qos", "2");
                assertNoProblem(processor);
            }
        }
    }

    @Test
    void shouldRunMessagesOnSeveralWorkersAtOnce() {
        try (MqttFixture mqtt = new MqttFixture("workers")) {
            Recorder recorder = Recorder.of(mqtt.function);
            recorder.delayMillis(200);
            try (Processor processor = mqtt.start(4, "")) {
                mqtt.publish(mqtt.base + "/load", MqttFixture.values("m", 16));
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() == 16);
                assertThat(recorder.maxRunning()).as("workers running at once").isGreaterThan(1);
                assertThat(recorder.succeededValues()).doesNotHaveDuplicates();
                assertNoProblem(processor);
            }
        }
    }

    @Test
    void shouldRunEachTopicInArrivalOrderWhenOrdered() {
        try (MqttFixture mqtt = new MqttFixture("ordered")) {
            Recorder recorder = Recorder.of(mqtt.function);
            recorder.delayMillis(20);
            String a = mqtt.base + "/a";
            String b = mqtt.base + "/b";
            try (Processor processor = mqtt.start(4, "        ordered: true")) {
                List<String> expectedA = new ArrayList<>();
                List<String> expectedB = new ArrayList<>();
                for (int i = 0; i < 15; i++) {
                    mqtt.publish(a, "a" + i, 1, false);
                    mqtt.publish(b, "b" + i, 1, false);
                    expectedA.add("a" + i);
                    expectedB.add("b" + i);
                }
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() == 30);
                assertThat(recorder.succeededValuesOn(a)).containsExactlyElementsOf(expectedA);
                assertThat(recorder.succeededValuesOn(b)).containsExactlyElementsOf(expectedB);
                assertThat(recorder.maxRunning())
                        .as("the two topics run side by side")
                        .isEqualTo(2);
                assertNoProblem(processor);
            }
        }
    }

    @Test
    void shouldRetryFailuresThenPublishToTheDeadLetterTopicAndAcknowledgeTheOriginal() {
        try (MqttFixture mqtt = new MqttFixture("dead-letters")) {
            String deadLetterTopic = "nucleon-it-dlq/" + mqtt.function;
            List<String> deadLetters = mqtt.subscribe(deadLetterTopic);
            Recorder recorder = Recorder.of(mqtt.function);
            mqtt.eventTimeout = "1s";
            String attributes = "        retry: {maxAttempts: 3, initialBackoff: 10ms, maxBackoff: 50ms}\n"
                    + "        deadLetterTopic: " + deadLetterTopic;
            try (Processor processor = mqtt.start(2, attributes)) {
                mqtt.publish(mqtt.base + "/in", List.of("v0", "poison-1", "flaky-2", "stuck-3"));
                await().atMost(WAIT).until(() -> deadLetters.size() == 1);
                await().atMost(WAIT).until(() -> recorder.succeededValues().containsAll(List.of("v0", "flaky-2")));
                await().atMost(WAIT).until(() -> recorder.attemptsOf("stuck-3") == 2);
                assertThat(deadLetters).containsExactly("poison-1");
                assertThat(recorder.attemptsOf("poison-1")).isEqualTo(3);
                assertThat(recorder.attemptsOf("flaky-2")).isEqualTo(2);
                assertThat(counter(processor, "nucleon_trigger_messages_dead_lettered"))
                        .isEqualTo(1);
                await().atMost(WAIT).until(() -> counter(processor, "nucleon_trigger_messages_handled") == 3);
            }
            // The same session again: an unacknowledged original would be delivered again now.
            try (Processor processor = mqtt.start(1, attributes)) {
                mqtt.publish(mqtt.base + "/in", "after", 1, false);
                await().atMost(WAIT).until(() -> recorder.lastSuccess("after") != null);
                assertThat(recorder.attemptsOf("poison-1"))
                        .as("acknowledged once dead-lettered")
                        .isEqualTo(3);
                assertThat(deadLetters).containsExactly("poison-1");
                assertNoProblem(processor);
            }
        }
    }

    @Test
    void shouldReportTriggerMetrics() {
        try (MqttFixture mqtt = new MqttFixture("metrics")) {
            Recorder recorder = Recorder.of(mqtt.function);
            try (Processor processor = mqtt.start(1, "")) {
                mqtt.publish(mqtt.base + "/m", MqttFixture.values("m", 3));
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() == 3);
                await().atMost(WAIT).until(() -> counter(processor, "nucleon_trigger_messages_handled") == 3);
                assertThat(processor
                                .registry()
                                .get("nucleon_mqtt_connected")
                                .gauge()
                                .value())
                        .isEqualTo(1);
                assertThat(counter(processor, "nucleon_mqtt_connections_lost")).isZero();
                assertThat(processor
                                .registry()
                                .get("nucleon_trigger_messages_in_flight")
                                .tag("trigger_kind", "mqtt")
                                .tag("trigger_id", MqttFixture.TRIGGER)
                                .gauge()
                                .value())
                        .isZero();
            }
        }
    }

    static void assertNoProblem(Processor processor) {
        assertThat(processor.trigger(MqttFixture.TRIGGER).problem()).isEmpty();
    }

    static double counter(Processor processor, String name) {
        return processor.registry().get(name).functionCounter().count();
    }
}
