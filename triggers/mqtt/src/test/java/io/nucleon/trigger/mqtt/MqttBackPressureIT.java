package io.nucleon.trigger.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.functions.Recorder;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * maxInFlight back-pressure holds Paho's callback thread, and through Paho's 10-message queue its
 * receiver: the keep-alive must survive that as long as each wait is shorter than {@code keepAlive}.
 */
class MqttBackPressureIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeEach
    void requireBroker() {
        SharedBroker.MOSQUITTO.require();
    }

    @Test
    void shouldKeepTheConnectionWhileBackPressureHoldsPahosReader() {
        try (MqttFixture mqtt = new MqttFixture("keepalive")) {
            Recorder recorder = Recorder.of(mqtt.function);
            recorder.delayMillis(400); // each wait for a free slot: 400 ms, under the 1 s keep-alive
            mqtt.eventTimeout = "1s";
            try (Processor processor = mqtt.start(1, "        maxInFlight: 1\n        keepAlive: 1s")) {
                // Mosquitto sends them at once (20 is its default in-flight window): 1 in the function, 1
                // waiting in messageArrived, 10 in Paho's queue, the reader stuck handing over the next
                mqtt.publish(mqtt.base + "/in", MqttFixture.values("m", 20));
                await().atMost(WAIT).until(() -> readerWaitsForTheCallbackThread(mqtt.clientId));
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 20);

                assertThat(recorder.succeededValues())
                        .as("no reconnect, so no redelivery")
                        .hasSize(20);
                assertThat(MqttTriggerIT.counter(processor, "nucleon_mqtt_connections_lost"))
                        .isZero();
                assertThat(recorder.maxRunning()).isEqualTo(1);
            }
        }
    }

    /** @return whether Paho's receiver thread waits for room in the callback queue */
    private static boolean readerWaitsForTheCallbackThread(String clientId) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(entry -> entry.getKey().getName().equals("MQTT Rec: " + clientId))
                .anyMatch(entry -> Arrays.stream(entry.getValue())
                        .anyMatch(frame -> frame.getClassName().endsWith("CommsCallback")
                                && frame.getMethodName().equals("messageArrived")));
    }
}
