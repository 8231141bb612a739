package io.nucleon.trigger.mqtt;

import io.micrometer.core.instrument.Tags;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.stream.AckingDispatcher;
import io.nucleon.runtime.stream.DeliveryMetrics;
import java.util.Optional;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code mqtt} trigger: one MQTT 3.1.1 connection ({@link MqttConsumer}) subscribed to the
 * configured topic filters, whose messages run through an {@link AckingDispatcher}: a QoS 1 or 2 message
 * is acknowledged only after the function has succeeded; a failed one is retried with backoff and then
 * published to the dead-letter topic.
 */
final class MqttTrigger implements Trigger {

    private static final Logger LOG = LoggerFactory.getLogger(MqttTrigger.class);

    private final TriggerContext context;
    private final MqttTriggerConfig config;
    private volatile AckingDispatcher<MqttTriggerMessage> dispatcher;
    private volatile MqttConsumer consumer;
    private boolean started;
    private boolean closed;

    MqttTrigger(TriggerContext context, MqttTriggerConfig config) {
        this.context = context;
        this.config = config;
    }

    @Override
    public String name() {
        return context.config().name();
    }

    @Override
    public String kind() {
        return MqttTriggerFactory.KIND;
    }

    /**
     * Connects and subscribes. Fails when the broker refuses the connection for good (bad credentials,
     * not authorised, client identifier rejected) or refuses a subscription; when the broker is only
     * unreachable or down, returns and keeps trying, with {@link #problem()} saying why.
     */
    @Override
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        dispatcher = new AckingDispatcher<>(
                context.dispatcher(),
                MqttMessageAdapter.INSTANCE,
                new AckingDispatcher.Settings(
                        name(),
                        config.retry(),
                        config.maxInFlight(),
                        config.deadLetters(),
                        context.config().batch()),
                new DeliveryMetrics(context.registry(), context.functionName(), MqttTriggerFactory.KIND, name()));
        try {
            consumer = new MqttConsumer(
                    config,
                    name(),
                    dispatcher,
                    config.deadLetters() ? new DeadLetterPublisher(config) : null,
                    context.registry(),
                    Tags.of(
                            "function",
                            context.functionName(),
                            "trigger_kind",
                            MqttTriggerFactory.KIND,
                            "trigger_id",
                            name()));
            consumer.start();
        } catch (MqttException e) {
            close();
            throw new IllegalStateException(
                    "trigger '" + name() + "': cannot create the MQTT client for " + config.url() + ": "
                            + MqttClients.reason(e),
                    e);
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("trigger '" + name() + "': " + e.getMessage(), e);
        }
        LOG.atInfo()
                .setMessage("mqtt trigger started")
                .addKeyValue("function", context.functionName())
                .addKeyValue("trigger", name())
                .addKeyValue("url", config.url())
                .addKeyValue("clientID", config.clientId())
                .addKeyValue("subscriptions", config.subscriptions().toString())
                .addKeyValue("cleanSession", config.cleanSession())
                .addKeyValue("maxInFlight", config.maxInFlight())
                .log();
        warnAboutQos2();
        warnAboutKeepAlive();
    }

    /**
     * While back-pressure holds Paho's callback thread, its reader stops once Paho's queue is full; when
     * it reads nothing for about a keep-alive interval, Paho gives the connection up. One message settling
     * ends the wait, so a keep-alive longer than any one event keeps that from happening.
     */
    private void warnAboutKeepAlive() {
        if (config.keepAlive().compareTo(context.eventTimeout()) < 0) {
            LOG.atWarn()
                    .setMessage("keepAlive is shorter than spec.eventTimeout: when maxInFlight messages are all "
                            + "slow, the connection can time out and reconnect (messages are then delivered again)")
                    .addKeyValue("trigger", name())
                    .addKeyValue("keepAliveS", config.keepAlive().toSeconds())
                    .addKeyValue("eventTimeoutMs", context.eventTimeout().toMillis())
                    .log();
        }
    }

    /**
     * Paho answers a QoS 2 PUBLISH with PUBREC as it arrives and keeps the exchange in memory; after a
     * restart the broker repeats only PUBREL, which a new client cannot turn back into the message. So a
     * QoS 2 message in flight when the processor stops is lost (tested by hand with Mosquitto 2.0).
     */
    private void warnAboutQos2() {
        if (config.subscriptions().stream().anyMatch(subscription -> subscription.qos() == 2)) {
            LOG.atWarn()
                    .setMessage("QoS 2 subscriptions are at-least-once only while the processor runs: a QoS 2 "
                            + "message in flight when it stops is not delivered again; use QoS 1 to survive restarts")
                    .addKeyValue("trigger", name())
                    .log();
        }
    }

    @Override
    public synchronized void stopAccepting() {
        if (consumer != null) {
            consumer.stopAccepting();
        }
        if (dispatcher != null) {
            dispatcher.stopAccepting();
        }
    }

    /**
     * Lets running messages finish and sends their acknowledgements (up to {@code
     * workerTerminationTimeout}), then disconnects. What is still unacknowledged stays with the broker
     * (in the session, unless {@code cleanSession}) and is delivered again.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAccepting();
        if (dispatcher != null && !dispatcher.close(config.workerTerminationTimeout())) {
            LOG.atWarn()
                    .setMessage("messages still running at workerTerminationTimeout stay unacknowledged; "
                            + "the broker delivers them again")
                    .addKeyValue("trigger", name())
                    .addKeyValue("inFlight", dispatcher.inFlight())
                    .log();
        }
        if (consumer != null) {
            consumer.close();
        }
        LOG.atInfo()
                .setMessage("mqtt trigger stopped")
                .addKeyValue("function", context.functionName())
                .addKeyValue("trigger", name())
                .log();
    }

    @Override
    public Optional<String> problem() {
        MqttConsumer running = consumer;
        if (running == null) {
            return Optional.empty();
        }
        String problem = running.problem();
        return Optional.ofNullable(problem != null ? problem : dispatcher.problem());
    }
}
