package io.nucleon.trigger.mqtt;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.nucleon.runtime.stream.AckingDispatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trigger's MQTT connection: connects (and reconnects) with backoff, subscribes, hands each
 * PUBLISH to the {@link AckingDispatcher} and sends its PUBACK once the dispatcher says so.
 *
 * <p><b>Threads.</b> Paho reads packets on its receiver thread and calls {@link #messageArrived} on its
 * callback thread, queueing at most 10 messages between the two. While {@code maxInFlight} messages are
 * unsettled, {@code messageArrived} waits here, so the queue fills and the receiver stops reading: TCP
 * then holds the broker back. Reading stops only until the next message settles; Paho's keep-alive
 * check fails only when it has read nothing for a whole {@code keepAlive}, so a wait shorter than that is
 * safe (see docs/triggers/mqtt.md). The wait gives up when the connection drops or the trigger stops, so
 * it never holds Paho's shutdown; the message is then left unacknowledged, for the broker to deliver
 * again.
 *
 * <p><b>Acknowledgements.</b> Manual acks: Paho sends nothing for a message until {@link #acknowledge}.
 * Each message remembers the connection it came on; an acknowledgement for an older connection is
 * refused, because the broker has delivered that message again with the same packet identifier, and may
 * reuse the identifier once that copy is acknowledged. Acknowledgements and the count of connections
 * share one lock, so none can slip onto the next connection.
 *
 * <p><b>Reconnects</b> are this class's, not Paho's {@code automaticReconnect}: Paho 1.2.5 keeps its
 * reconnect delay in a static field shared by every client in the JVM, and its reconnect timer thread is
 * not a daemon and outlives {@code close()} when the broker is down at the time. Here a daemon thread
 * retries from 1 s, doubling up to {@code maxReconnectDelay}, and subscriptions are made again whenever
 * the broker says it has no session for this client (a broker restarted without persistence, or
 * {@code cleanSession: true}).
 */
final class MqttConsumer implements MqttCallback, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConsumer.class);
    private static final long FIRST_RETRY_MILLIS = 1000;
    private static final long CAPACITY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The SUBACK return code of a refused subscription. */
    private static final int SUBSCRIPTION_FAILURE = 0x80;

    private final MqttTriggerConfig config;
    private final String triggerName;
    private final AckingDispatcher<MqttTriggerMessage> dispatcher;
    private final DeadLetterPublisher deadLetters;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final ScheduledThreadPoolExecutor connector;
    /** Whether the first connection attempt connected; a refusal for good completes it exceptionally. */
    private final CompletableFuture<Boolean> firstConnect = new CompletableFuture<>();

    private final CompletableFuture<Void> firstSubscription = new CompletableFuture<>();
    private final LongAdder connectionsLost = new LongAdder();
    /** Guards {@link #connection} changes and acknowledgements. */
    private final Object acks = new Object();

    /** Counts lost connections: the number of the one that is (or will be) current. */
    private volatile int connection;

    private volatile boolean connected;
    private volatile boolean accepting = true;
    private volatile boolean closed;
    private volatile boolean subscribed;
    private volatile String connectionProblem;
    private volatile String subscriptionProblem;
    private boolean startGaveUp; // guarded by firstConnect
    private long retryDelayMillis = FIRST_RETRY_MILLIS; // connector thread and Paho's, one at a time

    MqttConsumer(
            MqttTriggerConfig config,
            String triggerName,
            AckingDispatcher<MqttTriggerMessage> dispatcher,
            DeadLetterPublisher deadLetters,
            MeterRegistry registry,
            Tags tags)
            throws MqttException {
        this.config = config;
        this.triggerName = triggerName;
        this.dispatcher = dispatcher;
        this.deadLetters = deadLetters;
        this.client = new MqttAsyncClient(config.url(), config.clientId(), new MemoryPersistence());
        this.options = MqttClients.connectOptions(config);
        this.connector = new ScheduledThreadPoolExecutor(1, runnable -> Thread.ofPlatform()
                .name("nucleon-mqtt-" + triggerName + "-connect")
                .daemon(true)
                .unstarted(runnable));
        connector.setRemoveOnCancelPolicy(true);
        client.setManualAcks(true);
        client.setCallback(this);
        FunctionCounter.builder("nucleon_mqtt_connections_lost", connectionsLost, LongAdder::doubleValue)
                .description("Connections to the MQTT broker that broke")
                .tags(tags)
                .register(registry);
        Gauge.builder("nucleon_mqtt_connected", this, consumer -> consumer.connected ? 1 : 0)
                .description("1 while the trigger is connected to the MQTT broker")
                .tags(tags)
                .register(registry);
    }

    // ---- connecting -----------------------------------------------------------------------------------

    /**
     * Connects and subscribes. Returns once subscribed, or once the first attempt failed for a reason
     * that may pass (broker down, unreachable): the trigger then retries in the background and reports
     * the problem meanwhile.
     *
     * @throws IllegalStateException when the broker refuses the connection for good (bad user name or
     *     password, not authorised, client identifier rejected) or refuses a subscription
     */
    void start() {
        attempt();
        long waitMillis = config.connectionTimeout().plusSeconds(5).toMillis();
        try {
            if (connectedFirstTime(waitMillis)) {
                firstSubscription.get(waitMillis, TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            LOG.atWarn()
                    .setMessage("the MQTT broker has not confirmed the subscriptions yet; going on")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("url", config.url())
                    .addKeyValue("waitedMs", waitMillis)
                    .log();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + config.url(), e);
        }
    }

    /**
     * @return whether the first attempt connected; {@code false} when it failed for a reason that may
     *     pass, or has not finished in time (the connector keeps trying in both cases)
     * @throws ExecutionException with the refusal when the broker refused the first attempt for good
     */
    private boolean connectedFirstTime(long waitMillis) throws ExecutionException, InterruptedException {
        try {
            return firstConnect.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            synchronized (firstConnect) {
                startGaveUp = true; // from now on a refusal is retried like any other failure
            }
            firstConnect.complete(false);
            return firstConnect.get(); // a refusal that came just in time still fails start()
        }
    }

    private void attempt() {
        if (closed) {
            return;
        }
        try {
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    connected(token.getSessionPresent());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    connectFailed(error);
                }
            });
        } catch (MqttException | RuntimeException e) {
            connectFailed(e);
        }
    }

    /** Paho's callback thread, once the broker has accepted the connection. */
    private void connected(boolean sessionPresent) {
        connected = true;
        connectionProblem = null;
        retryDelayMillis = FIRST_RETRY_MILLIS;
        LOG.atInfo()
                .setMessage("connected to the MQTT broker")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("url", config.url())
                .addKeyValue("clientID", config.clientId())
                .addKeyValue("sessionPresent", sessionPresent)
                .log();
        firstConnect.complete(true);
        if (!sessionPresent) {
            subscribed = false; // the broker has no session, hence none of our subscriptions
        }
        if (!subscribed) {
            subscribe();
        }
    }

    private void connectFailed(Throwable error) {
        connected = false;
        String refusal = MqttClients.refusal(error);
        if (refusal != null) {
            synchronized (firstConnect) {
                if (!startGaveUp && !firstConnect.isDone()) {
                    firstConnect.completeExceptionally(new IllegalStateException(
                            "the MQTT broker at " + config.url() + " refused the connection: " + refusal, error));
                    return; // start() fails and closes the trigger
                }
            }
        }
        long delay = retryDelayMillis;
        retryDelayMillis = Math.min(2 * delay, config.maxReconnectDelay().toMillis());
        connectionProblem = "cannot connect to the MQTT broker at " + config.url() + ": "
                + (refusal != null ? "refused: " + refusal : MqttClients.reason(error)) + "; trying again in " + delay
                + "ms";
        LOG.atWarn()
                .setMessage("cannot connect to the MQTT broker; trying again")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("url", config.url())
                .addKeyValue("error", refusal != null ? refusal : MqttClients.reason(error))
                .addKeyValue("retryInMs", delay)
                .log();
        firstConnect.complete(false); // start() goes on; the problem shows until a connection works
        schedule(this::attempt, delay);
    }

    private void schedule(Runnable task, long delayMillis) {
        if (closed) {
            return;
        }
        try {
            connector.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    // ---- subscribing ----------------------------------------------------------------------------------

    private void subscribe() {
        try {
            client.subscribe(config.topics(), config.qos(), null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    subscribed(token.getGrantedQos());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    subscribeFailed(error);
                }
            });
        } catch (MqttException e) {
            subscribeFailed(e); // the connection broke meanwhile; the next one subscribes
        }
    }

    private void subscribed(int[] granted) {
        List<String> refused = new ArrayList<>();
        String[] topics = config.topics();
        int[] asked = config.qos();
        for (int i = 0; i < topics.length; i++) {
            int qos = granted.length == 0 ? asked[i] : granted[Math.min(i, granted.length - 1)];
            if (qos == SUBSCRIPTION_FAILURE) {
                refused.add("'" + topics[i] + "'");
            } else if (qos < asked[i]) {
                LOG.atWarn()
                        .setMessage("the broker granted a lower QoS than asked for")
                        .addKeyValue("trigger", triggerName)
                        .addKeyValue("topic", topics[i])
                        .addKeyValue("asked", asked[i])
                        .addKeyValue("granted", qos)
                        .log();
            }
        }
        if (!refused.isEmpty()) {
            subscriptionProblem = "the MQTT broker at " + config.url() + " refused the subscription to "
                    + String.join(", ", refused) + " (not authorised?)";
            LOG.atError()
                    .setMessage(subscriptionProblem)
                    .addKeyValue("trigger", triggerName)
                    .log();
            firstSubscription.completeExceptionally(new IllegalStateException(subscriptionProblem));
            resubscribeLater(config.maxReconnectDelay().toMillis());
            return;
        }
        subscribed = true;
        subscriptionProblem = null;
        LOG.atInfo()
                .setMessage("subscribed")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("subscriptions", config.subscriptions().toString())
                .log();
        firstSubscription.complete(null);
    }

    private void subscribeFailed(Throwable error) {
        if (client.isConnected()) {
            subscriptionProblem = "subscribing at " + config.url() + " failed: " + MqttClients.reason(error);
        }
        LOG.atWarn()
                .setMessage("subscribing failed; trying again")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("error", MqttClients.reason(error))
                .log();
        resubscribeLater(FIRST_RETRY_MILLIS);
    }

    /** While connected, tries the subscriptions again; a new connection subscribes anyway when needed. */
    private void resubscribeLater(long delayMillis) {
        schedule(
                () -> {
                    if (connected && !subscribed && client.isConnected()) {
                        subscribe();
                    }
                },
                delayMillis);
    }

    // ---- Paho's callbacks -----------------------------------------------------------------------------

    /** The thread that found the connection broken, after Paho stopped its callback thread. */
    @Override
    public void connectionLost(Throwable cause) {
        synchronized (acks) {
            connection++;
        }
        connected = false;
        connectionsLost.increment();
        if (closed) {
            return;
        }
        connectionProblem = "lost the connection to the MQTT broker at " + config.url() + ": "
                + MqttClients.reason(cause) + "; reconnecting";
        LOG.atWarn()
                .setMessage("lost the connection to the MQTT broker; reconnecting")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("url", config.url())
                .addKeyValue("error", MqttClients.reason(cause))
                .log();
        schedule(this::attempt, 0);
    }

    /**
     * Paho's callback thread: hands the message to the dispatcher, first waiting while {@code maxInFlight}
     * messages are unsettled. Only this thread submits, so once a permit is seen free, {@code submit}
     * does not wait for one.
     */
    @Override
    public void messageArrived(String topic, MqttMessage message) {
        int arrivedOn = connection;
        if (!accepting) {
            return; // left unacknowledged: the broker delivers it again to the next session holder
        }
        MqttTriggerMessage delivery =
                new MqttTriggerMessage(this, topic, message, arrivedOn, System.currentTimeMillis(), config.ordered());
        while (dispatcher.inFlight() >= config.maxInFlight()) {
            if (!accepting || arrivedOn != connection || !client.isConnected()) {
                return; // the broker delivers it again on the next connection
            }
            LockSupport.parkNanos(CAPACITY_POLL_NANOS);
        }
        try {
            dispatcher.submit(delivery); // false only once stopping: left unacknowledged
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // this connection does not publish
    }

    // ---- acknowledgements -----------------------------------------------------------------------------

    /**
     * Sends the PUBACK (QoS 1) or PUBCOMP (QoS 2) for a message; the dispatcher's settle thread calls it
     * once the function has succeeded.
     *
     * @throws IllegalStateException when the message came on a connection that is gone: the broker has
     *     delivered it again (or will), and that copy is acknowledged on its own
     * @throws MqttException when Paho does not take the acknowledgement
     */
    void acknowledge(MqttTriggerMessage message) throws MqttException {
        synchronized (acks) {
            if (message.connection() != connection) {
                throw new IllegalStateException(
                        "the connection it came on was lost; the broker delivers the message again");
            }
            client.messageArrivedComplete(message.messageId(), message.qos());
        }
    }

    /**
     * Whether the broker delivers this message again by itself: it came with QoS 1 or 2 on a connection
     * that is gone, and the session is persistent. A copy held here then must not be retried or
     * dead-lettered as well (it could never be acknowledged; the new copy is handled on its own).
     */
    boolean redeliveredByBroker(MqttTriggerMessage message) {
        return message.qos() > 0 && !config.cleanSession() && message.connection() != connection;
    }

    DeadLetterPublisher deadLetters() {
        return deadLetters;
    }

    // ---- state and shutdown ---------------------------------------------------------------------------

    /** @return the connection or subscription problem, or {@code null} */
    String problem() {
        String problem = connectionProblem;
        return problem != null ? problem : subscriptionProblem;
    }

    /** Takes no more messages; those that arrive are left unacknowledged for the broker to deliver again. */
    void stopAccepting() {
        accepting = false;
    }

    /**
     * Disconnects (the broker keeps a persistent session and every unacknowledged message in it) and
     * stops Paho's and this class's threads. Call after the dispatcher has sent its last acknowledgements.
     */
    @Override
    public void close() {
        accepting = false;
        closed = true;
        connector.shutdownNow();
        MqttClients.closeQuietly(client);
        connected = false;
        if (deadLetters != null) {
            deadLetters.close();
        }
    }
}
