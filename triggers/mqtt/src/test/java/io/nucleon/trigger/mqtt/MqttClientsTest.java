package io.nucleon.trigger.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.junit.jupiter.api.Test;

/** The Paho settings the trigger derives from its attributes, and how it reads Paho's errors. */
class MqttClientsTest {

    @Test
    void shouldConnectWithTheAttributesAndWithoutPahosOwnReconnect() {
        MqttConnectOptions options = MqttClients.connectOptions(MqttTriggerConfigTest.config(MqttTriggerConfigTest.with(
                MqttTriggerConfigTest.REQUIRED,
                "username: alice",
                "password: s3cret",
                "keepAlive: 15s",
                "connectionTimeout: 5s")));

        assertThat(options.getMqttVersion()).isEqualTo(MqttConnectOptions.MQTT_VERSION_3_1_1);
        assertThat(options.isCleanSession())
                .as("a persistent session by default")
                .isFalse();
        assertThat(options.getKeepAliveInterval()).isEqualTo(15);
        assertThat(options.getConnectionTimeout()).isEqualTo(5);
        assertThat(options.isAutomaticReconnect()).isFalse();
        assertThat(options.getUserName()).isEqualTo("alice");
        assertThat(options.getPassword()).containsExactly('s', '3', 'c', 'r', 'e', 't');
    }

    @Test
    void shouldSendNoCredentialsWhenNoneAreSet() {
        MqttConnectOptions options =
                MqttClients.connectOptions(MqttTriggerConfigTest.config(MqttTriggerConfigTest.REQUIRED));

        assertThat(options.getUserName()).isNull();
        assertThat(options.getPassword()).isNull();
    }

    @Test
    void shouldTreatOnlyConnectRefusalsAsFinal() {
        assertThat(MqttClients.refusal(new MqttSecurityException(MqttException.REASON_CODE_FAILED_AUTHENTICATION)))
                .isEqualTo("bad user name or password (reason code 4)");
        assertThat(MqttClients.refusal(new MqttSecurityException(MqttException.REASON_CODE_NOT_AUTHORIZED)))
                .isEqualTo("not authorised (reason code 5)");
        assertThat(MqttClients.refusal(new MqttException(MqttException.REASON_CODE_INVALID_CLIENT_ID)))
                .isEqualTo("client identifier rejected (reason code 2)");
        assertThat(MqttClients.refusal(new MqttException(MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION)))
                .isEqualTo("it does not speak MQTT 3.1.1 (reason code 1)");
        assertThat(MqttClients.refusal(new MqttException(MqttException.REASON_CODE_BROKER_UNAVAILABLE)))
                .as("the broker may come back")
                .isNull();
        assertThat(MqttClients.refusal(new MqttException(MqttException.REASON_CODE_SERVER_CONNECT_ERROR)))
                .isNull();
        assertThat(MqttClients.refusal(new IllegalStateException("x"))).isNull();
    }

    @Test
    void shouldDescribeAnErrorWithItsReasonCodeAndCause() {
        MqttException lost = new MqttException(MqttException.REASON_CODE_CONNECTION_LOST, new EOFException());

        assertThat(MqttClients.reason(lost)).isEqualTo("Connection lost (32109): java.io.EOFException");
        assertThat(MqttClients.reason(new IllegalStateException("boom"))).isEqualTo("boom");
    }
}
