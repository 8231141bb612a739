package io.nucleon.trigger.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the trigger's durable pull consumer exists with the settings the trigger relies on: explicit
 * acks, {@code ackWait}, {@code maxDeliver} and {@code maxAckPending} as configured. A missing consumer is
 * created (with {@code deliverPolicy} and {@code filterSubject}); an existing one is updated where those
 * settings differ. A missing stream, or a consumer that cannot serve the trigger (a push consumer, other
 * acks, another filter subject), is an error that says what to do.
 */
final class JetStreamConsumerSetup {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamConsumerSetup.class);
    private static final int STREAM_NOT_FOUND = 10059;
    private static final int CONSUMER_NOT_FOUND = 10014;

    private final JetStreamTriggerConfig config;
    private final String triggerName;

    JetStreamConsumerSetup(JetStreamTriggerConfig config, String triggerName) {
        this.config = config;
        this.triggerName = triggerName;
    }

    /**
     * @param connection a connected client
     * @throws IllegalStateException naming the trigger, the stream and the consumer when it cannot be used
     * @throws IOException when the server does not answer
     */
    void ensure(Connection connection) throws IOException {
        try {
            JetStreamManagement management = connection.jetStreamManagement();
            requireStream(management);
            ConsumerInfo existing = existing(management);
            if (existing == null) {
                management.addOrUpdateConsumer(config.stream(), created());
                LOG.atInfo()
                        .setMessage("created the JetStream consumer")
                        .addKeyValue("trigger", triggerName)
                        .addKeyValue("stream", config.stream())
                        .addKeyValue("consumer", config.consumer())
                        .log();
            } else {
                ConsumerConfiguration current = existing.getConsumerConfiguration();
                check(current);
                if (needsUpdate(current)) {
                    management.updateConsumer(config.stream(), updated(current));
                    LOG.atInfo()
                            .setMessage("updated the JetStream consumer's ackWait/maxDeliver/maxAckPending")
                            .addKeyValue("trigger", triggerName)
                            .addKeyValue("consumer", config.consumer())
                            .log();
                }
            }
        } catch (JetStreamApiException e) {
            throw failure("the server refused: " + e.getMessage(), e);
        }
    }

    private void requireStream(JetStreamManagement management) throws IOException, JetStreamApiException {
        try {
            management.getStreamInfo(config.stream());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
                throw failure(
                        "stream '" + config.stream() + "' does not exist; create it first (for example "
                                + "`nats stream add`): the trigger does not create streams",
                        e);
            }
            throw e;
        }
    }

    private ConsumerInfo existing(JetStreamManagement management) throws IOException, JetStreamApiException {
        try {
            return management.getConsumerInfo(config.stream(), config.consumer());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private ConsumerConfiguration created() {
        ConsumerConfiguration.Builder builder = ConsumerConfiguration.builder()
                .durable(config.consumer())
                .deliverPolicy(
                        switch (config.deliverPolicy()) {
                            case "new" -> DeliverPolicy.New;
                            case "last" -> DeliverPolicy.Last;
                            default -> DeliverPolicy.All;
                        })
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(config.ackWait())
                .maxDeliver(config.maxDeliver())
                .maxAckPending(config.maxAckPending());
        if (!config.filterSubject().isEmpty()) {
            builder.filterSubject(config.filterSubject());
        }
        return builder.build();
    }

    private void check(ConsumerConfiguration current) {
        if (current.getDeliverSubject() != null && !current.getDeliverSubject().isEmpty()) {
            throw failure(
                    "consumer '" + config.consumer() + "' is a push consumer; the trigger needs a pull "
                            + "consumer: use another consumer name, or delete this one and let the trigger create it",
                    null);
        }
        if (current.getAckPolicy() != AckPolicy.Explicit) {
            throw failure(
                    "consumer '" + config.consumer() + "' has ack policy " + current.getAckPolicy()
                            + "; the trigger needs explicit acks: use another consumer name, or delete this one",
                    null);
        }
        String filter = current.getFilterSubject() == null ? "" : current.getFilterSubject();
        if (!config.filterSubject().isEmpty() && !config.filterSubject().equals(filter)) {
            throw failure(
                    "consumer '" + config.consumer() + "' exists with filter subject '" + filter + "', not '"
                            + config.filterSubject() + "'; use another consumer name, or delete this one",
                    null);
        }
    }

    private boolean needsUpdate(ConsumerConfiguration current) {
        return !Objects.equals(current.getAckWait(), config.ackWait())
                || current.getMaxDeliver() != config.maxDeliver()
                || current.getMaxAckPending() != config.maxAckPending();
    }

    private ConsumerConfiguration updated(ConsumerConfiguration current) {
        return ConsumerConfiguration.builder(current)
                .ackWait(config.ackWait())
                .maxDeliver(config.maxDeliver())
                .maxAckPending(config.maxAckPending())
                .build();
    }

    private IllegalStateException failure(String problem, Exception cause) {
        return new IllegalStateException(
                "trigger '" + triggerName + "': JetStream consumer '" + config.consumer() + "' on stream '"
                        + config.stream() + "': " + problem,
                cause);
    }
}
