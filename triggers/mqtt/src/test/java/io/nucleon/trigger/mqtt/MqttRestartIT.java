package io.nucleon.trigger.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.functions.Recorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A processor stopped with messages unacknowledged, and another started with the same client identifier:
 * the broker's persistent session hands over everything that was not acknowledged, so nothing is lost.
 */
class MqttRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeEach
    void requireBroker() {
        SharedBroker.MOSQUITTO.require();
    }

    @Test
    void shouldLoseNoMessageWhenStoppedWithMessagesUnacknowledged() {
        try (MqttFixture mqtt = new MqttFixture("restart")) {
            mqtt.drainTimeout = Duration.ofSeconds(1);
            Recorder recorder = Recorder.of(mqtt.function);
            recorder.delayMillis(20);
            List<String> values = new ArrayList<>(MqttFixture.values("m", 60));
            values.set(3, "hang-3");
            values.set(4, "hang-4");
            values.set(5, "hang-5");
            String attributes = "        workerTerminationTimeout: 1s";
            try (Processor first = mqtt.start(4, attributes)) {
                mqtt.publish(mqtt.base + "/in", values);
                await().atMost(WAIT).until(() -> recorder.attemptsOf("hang-5") == 1);
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 5);
                MqttTriggerIT.assertNoProblem(first);
                // close() now: three messages hang in the function, others wait in the dispatcher, in
                // Paho's queue and in the broker's session
            }
            int handledByFirst = recorder.succeededValues().size();
            recorder.release();
            assertThat(handledByFirst).as("stopped part way").isLessThan(60);

            try (Processor second = mqtt.start(4, attributes)) {
                await().atMost(WAIT).until(() -> new HashSet<>(recorder.succeededValues()).size() == 60);
                MqttTriggerIT.assertNoProblem(second);
            }
            assertThat(new HashSet<>(recorder.succeededValues())).containsExactlyInAnyOrderElementsOf(values);
            assertThat(recorder.lastSuccess("hang-3").headers())
                    .as("delivered again by the broker: never acknowledged")
                    .containsEntry("mqtt-duplicate", "true");
        }
    }

    @Test
    void shouldAcknowledgeOnlyAfterSuccessSoAFailingMessageComesBackAfterARestart() {
        try (MqttFixture mqtt = new MqttFixture("ack-after-success")) {
            Recorder recorder = Recorder.of(mqtt.function);
            recorder.failing().add("fails-until-restart");
            String attributes = "        retry: {maxAttempts: 1000, initialBackoff: 10ms, maxBackoff: 50ms}";
            try (Processor first = mqtt.start(1, attributes)) {
                mqtt.publish(mqtt.base + "/in", List.of("fails-until-restart", "ok"));
                await().atMost(WAIT).until(() -> recorder.attemptsOf("fails-until-restart") >= 3);
                await().atMost(WAIT).until(() -> recorder.lastSuccess("ok") != null);
                MqttTriggerIT.assertNoProblem(first);
            }
            recorder.failing().clear();

            try (Processor second = mqtt.start(1, attributes)) {
                await().atMost(WAIT).until(() -> recorder.lastSuccess("fails-until-restart") != null);
                assertThat(recorder.lastSuccess("fails-until-restart").headers())
                        .containsEntry("mqtt-duplicate", "true");
                mqtt.publish(mqtt.base + "/in", "marker", 1, false);
                await().atMost(WAIT).until(() -> recorder.lastSuccess("marker") != null);
                MqttTriggerIT.assertNoProblem(second);
            }
            assertThat(recorder.attemptsOf("ok"))
                    .as("acknowledged, so not delivered again")
                    .isEqualTo(1);
        }
    }
}
