package io.nucleon.trigger.mqtt;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the trigger sets up, describes and closes its Paho clients (the consumer's and the dead-letter one). */
final class MqttClients {

    private static final Logger LOG = LoggerFactory.getLogger(MqttClients.class);
    private static final long QUIESCE_MILLIS = 1000;
    private static final long DISCONNECT_WAIT_MILLIS = 5000;

    private MqttClients() {}

    /** The options both of the trigger's connections use; the caller sets what differs. */
    static MqttConnectOptions connectOptions(MqttTriggerConfig config) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(config.cleanSession());
        options.setKeepAliveInterval((int) config.keepAlive().toSeconds());
        options.setConnectionTimeout((int) config.connectionTimeout().toSeconds());
        options.setAutomaticReconnect(false);
        if (!config.username().isEmpty()) {
            options.setUserName(config.username());
        }
        if (!config.password().isEmpty()) {
            options.setPassword(config.password().toCharArray());
        }
        return options;
    }

    /** @return why the broker refused the connection for good, or {@code null} when trying again may help */
    static String refusal(Throwable error) {
        if (!(error instanceof MqttException mqtt)) {
            return null;
        }
        return switch (mqtt.getReasonCode()) {
            case MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION -> "it does not speak MQTT 3.1.1 (reason code 1)";
            case MqttException.REASON_CODE_INVALID_CLIENT_ID -> "client identifier rejected (reason code 2)";
            case MqttException.REASON_CODE_FAILED_AUTHENTICATION -> "bad user name or password (reason code 4)";
            case MqttException.REASON_CODE_NOT_AUTHORIZED -> "not authorised (reason code 5)";
            default -> null;
        };
    }

    static String reason(Throwable error) {
        String reason = String.valueOf(error.getMessage());
        if (error instanceof MqttException mqtt) {
            reason += " (" + mqtt.getReasonCode() + ")";
        }
        Throwable cause = error.getCause();
        return cause == null || cause == error ? reason : reason + ": " + cause;
    }

    /** Disconnects (letting queued acknowledgements go out first) and closes, whatever state it is in. */
    static void closeQuietly(MqttAsyncClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect(QUIESCE_MILLIS).waitForCompletion(DISCONNECT_WAIT_MILLIS);
            }
        } catch (MqttException e) {
            try {
                client.disconnectForcibly(0, QUIESCE_MILLIS, false);
            } catch (MqttException ignored) {
                // closed below regardless
            }
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.atDebug()
                    .setMessage("closing the MQTT client failed")
                    .setCause(e)
                    .log();
        }
    }
}
