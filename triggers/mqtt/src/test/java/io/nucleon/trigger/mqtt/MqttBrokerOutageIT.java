package io.nucleon.trigger.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.functions.Recorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The trigger against a Mosquitto of the test's own (no persistence: a restart forgets every session),
 * stopped and started again on the same port; and against brokers that are down at start or refuse the
 * credentials.
 */
class MqttBrokerOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void shouldReportTheOutageThenReconnectResubscribeAndGoOn() {
        try (BrokerProcess broker = BrokerProcess.mosquitto();
                MqttFixture mqtt = new MqttFixture("outage", "tcp://" + broker.address())) {
            Recorder recorder = Recorder.of(mqtt.function);
            try (Processor processor = mqtt.start(2, "")) {
                mqtt.publish(mqtt.base + "/in", "before", 1, false);
                await().atMost(WAIT).until(() -> recorder.lastSuccess("before") != null);

                broker.stop();
                await().atMost(WAIT)
                        .until(() ->
                                processor.trigger(MqttFixture.TRIGGER).problem().isPresent());
                assertThat(processor.trigger(MqttFixture.TRIGGER).problem().orElseThrow())
                        .as("first the lost connection, then the failing attempts to connect again")
                        .matches("(lost the connection to|cannot connect to) the MQTT broker at tcp://"
                                + broker.address().replace(".", "\\.") + ": .+");
                assertThat(MqttTriggerIT.counter(processor, "nucleon_mqtt_connections_lost"))
                        .isEqualTo(1);
                assertThat(processor
                                .registry()
                                .get("nucleon_mqtt_connected")
                                .gauge()
                                .value())
                        .isZero();

                broker.start(); // an empty broker: the session and its subscriptions are gone
                await().atMost(WAIT)
                        .until(() ->
                                processor.trigger(MqttFixture.TRIGGER).problem().isEmpty());
                mqtt.publish(mqtt.base + "/in", "after", 1, false);
                await().atMost(WAIT).until(() -> recorder.lastSuccess("after") != null);
                assertThat(MqttTriggerIT.counter(processor, "nucleon_mqtt_connections_lost"))
                        .isEqualTo(1);

                broker.stop(); // and close while it is away
                await().atMost(WAIT)
                        .until(() ->
                                processor.trigger(MqttFixture.TRIGGER).problem().isPresent());
            }
            await().atMost(WAIT).until(() -> clientThreads(mqtt.clientId).isEmpty());
        }
    }

    @Test
    void shouldStartWhileTheBrokerIsDownAndConnectOnceItIsUp() {
        try (BrokerProcess broker = BrokerProcess.mosquitto();
                MqttFixture mqtt = new MqttFixture("late-broker", "tcp://" + broker.address())) {
            broker.stop();
            Recorder recorder = Recorder.of(mqtt.function);
            try (Processor processor = mqtt.start(1, "")) {
                assertThat(processor.trigger(MqttFixture.TRIGGER).problem().orElseThrow())
                        .startsWith("cannot connect to the MQTT broker at tcp://" + broker.address() + ": ");

                broker.start();
                await().atMost(WAIT)
                        .until(() ->
                                processor.trigger(MqttFixture.TRIGGER).problem().isEmpty());
                mqtt.publish(mqtt.base + "/in", "hello", 1, false);
                await().atMost(WAIT).until(() -> recorder.lastSuccess("hello") != null);
            }
        }
    }

    @Test
    void shouldFailStartWhenTheBrokerRefusesTheCredentialsAndWorkWithTheRightOnes() {
        try (BrokerProcess broker =
                        BrokerProcess.start("mosquitto-auth", "mosquitto", MqttBrokerOutageIT::withPassword);
                MqttFixture mqtt = new MqttFixture("auth", "tcp://" + broker.address())) {
            assertThatThrownBy(() -> mqtt.start(1, "        username: alice\n        password: wrong-pass"))
                    .hasMessageContaining("trigger 'sensors'")
                    .hasMessageContaining("the MQTT broker at tcp://" + broker.address() + " refused the connection")
                    .hasMessageContaining("not authorised (reason code 5)")
                    .hasMessageNotContaining("wrong-pass");
            await().atMost(WAIT).until(() -> clientThreads(mqtt.clientId).isEmpty());

            mqtt.username = "alice";
            mqtt.password = "s3cret";
            Recorder recorder = Recorder.of(mqtt.function);
            try (Processor processor = mqtt.start(1, "        username: alice\n        password: s3cret")) {
                mqtt.publish(mqtt.base + "/in", "authenticated", 1, false);
                await().atMost(WAIT).until(() -> recorder.lastSuccess("authenticated") != null);
                MqttTriggerIT.assertNoProblem(processor);
            }
        }
    }

    /** Mosquitto with one user, alice/s3cret, and no anonymous access. */
    private static List<String> withPassword(int port, Path dir) {
        Path passwords = dir.resolve("passwords");
        Path config = dir.resolve("mosquitto.conf");
        try {
            Process tool = new ProcessBuilder("mosquitto_passwd", "-c", "-b", passwords.toString(), "alice", "s3cret")
                    .redirectErrorStream(true)
                    .start();
            if (!tool.waitFor(10, TimeUnit.SECONDS) || tool.exitValue() != 0) {
                throw new IllegalStateException("mosquitto_passwd failed: "
                        + new String(tool.getInputStream().readAllBytes()));
            }
            Files.writeString(
                    config,
                    "listener " + port + " 127.0.0.1\nallow_anonymous false\npassword_file " + passwords + "\n"
                            // run as root, mosquitto would switch to user mosquitto, who cannot read dir
                            + "user " + System.getProperty("user.name") + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return List.of("-c", config.toString());
    }

    /**
     * @return the threads of the trigger's clients (Paho names them "MQTT Rec: clientId" and so on) and
     *     its connect thread
     */
    static List<String> clientThreads(String clientId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.endsWith(": " + clientId)
                        || name.endsWith(": " + clientId + "-dlq")
                        || name.equals("nucleon-mqtt-" + MqttFixture.TRIGGER + "-connect"))
                .toList();
    }
}
