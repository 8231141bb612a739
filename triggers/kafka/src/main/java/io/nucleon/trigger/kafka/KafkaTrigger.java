package io.nucleon.trigger.kafka;

import io.micrometer.core.instrument.Tags;
import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code kafka-cluster} trigger: one consumer in the configured group, records of a partition handled
 * in offset order, offsets committed only past records the function has finished with (at-least-once),
 * failed records retried and then dead-lettered. See {@link KafkaPollLoop} for the mechanics.
 */
final class KafkaTrigger implements Trigger {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTrigger.class);

    /**
     * Client properties the trigger owns, with what to do instead: setting them in consumerProperties
     * would break its guarantees (commits, back-pressure bounds, cooperative rebalancing).
     */
    private static final Map<String, String> RESERVED = Map.ofEntries(
            Map.entry(
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    "the trigger commits offsets itself, after the function succeeds"),
            Map.entry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "the trigger hands the function raw bytes"),
            Map.entry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "the trigger hands the function raw bytes"),
            Map.entry(ConsumerConfig.GROUP_ID_CONFIG, "use the consumerGroup attribute"),
            Map.entry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "use the brokers attribute"),
            Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "use the initialOffset attribute"),
            Map.entry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "use the sessionTimeout attribute"),
            Map.entry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "use the heartbeatInterval attribute"),
            Map.entry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "use the maxPollRecords attribute"),
            Map.entry(
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    "the trigger needs cooperative-sticky assignment to hand partitions over cleanly"),
            Map.entry(
                    ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                    "the trigger needs the classic group protocol with cooperative-sticky assignment"));

    private static final long START_TIMEOUT_SECONDS = 30;
    /** The trigger's default for the consumer's {@code fetch.max.wait.ms}; see {@link #consumerProperties}. */
    static final long DEFAULT_FETCH_MAX_WAIT_MS = 50;

    private final TriggerContext context;
    private final KafkaTriggerConfig config;
    private final Properties consumerProperties;
    private final KafkaTriggerMetrics metrics;
    private volatile KafkaPollLoop loop;
    private Thread thread;
    private boolean started;
    private boolean closed;

    KafkaTrigger(TriggerContext context, KafkaTriggerConfig config) {
        this.context = context;
        this.config = config;
        String trigger = context.config().name();
        this.consumerProperties = consumerProperties(
                config, context.functionName(), trigger, context.config().attributes());
        this.metrics = new KafkaTriggerMetrics(
                context.registry(),
                Tags.of(
                        "function",
                        context.functionName(),
                        "trigger_kind",
                        KafkaTriggerFactory.KIND,
                        "trigger_id",
                        trigger));
    }

    static Properties consumerProperties(
            KafkaTriggerConfig config, String function, String trigger, ConfigNode attributes) {
        Properties properties = new Properties();
        properties.putAll(clientProperties(config));
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "nucleon-" + function + "-" + trigger);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.initialOffset());
        properties.put(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                Long.toString(config.sessionTimeout().toMillis()));
        properties.put(
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                Long.toString(config.heartbeatInterval().toMillis()));
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
        properties.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        // The consumer has one fetch in flight per broker. When back-pressure pauses the partitions that
        // have data, that fetch may hold only caught-up partitions, and the broker keeps it open for
        // fetch.max.wait.ms (default 500 ms) while resumed partitions cannot be fetched. A shorter wait
        // bounds that stall; consumerProperties may still set it.
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(DEFAULT_FETCH_MAX_WAIT_MS));
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        for (Map.Entry<String, String> entry : config.consumerProperties().entrySet()) {
            String instead = RESERVED.get(entry.getKey());
            if (instead != null) {
                throw attributes
                        .required("consumerProperties")
                        .required(entry.getKey())
                        .error("is set by the trigger: " + instead + "; remove it");
            }
            properties.put(entry.getKey(), entry.getValue());
        }
        return properties;
    }

    /**
     * The dead-letter producer reaches the brokers the way the consumer does, including security settings
     * given only in consumerProperties (OAUTHBEARER, GSSAPI, custom SSL).
     */
    static Map<String, String> deadLetterProperties(KafkaTriggerConfig config) {
        Map<String, String> properties = clientProperties(config);
        config.consumerProperties().forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                properties.put(key, value);
            }
        });
        return properties;
    }

    /** What the consumer and the dead-letter producer share: where the brokers are and how to reach them. */
    static Map<String, String> clientProperties(KafkaTriggerConfig config) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.brokers()));
        properties.putAll(config.security());
        return properties;
    }

    @Override
    public String name() {
        return context.config().name();
    }

    @Override
    public String kind() {
        return KafkaTriggerFactory.KIND;
    }

    @Override
    public synchronized void start() throws Exception {
        if (started) {
            return;
        }
        started = true;
        DeadLetterPublisher deadLetters = config.deadLetterTopic().isEmpty()
                ? null
                : new DeadLetterPublisher(
                        config.deadLetterTopic(), context.functionName(), name(), deadLetterProperties(config));
        loop = new KafkaPollLoop(
                config, context.functionName(), name(), context.dispatcher(), metrics, consumerProperties, deadLetters);
        thread =
                Thread.ofPlatform().name("nucleon-kafka-" + name()).daemon(true).unstarted(loop);
        thread.start();
        try {
            loop.subscribed().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "trigger '" + name() + "': cannot create the Kafka consumer for brokers " + config.brokers() + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "trigger '" + name() + "': the Kafka consumer did not start in " + START_TIMEOUT_SECONDS + " s");
        }
    }

    @Override
    public synchronized void stopAccepting() {
        if (loop != null) {
            loop.stopAccepting();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loop == null) {
            return;
        }
        loop.stop();
        try {
            long waitMillis = config.workerTerminationTimeout()
                    .plus(KafkaPollLoop.shutdownAllowance())
                    .plusSeconds(5)
                    .toMillis();
            thread.join(waitMillis);
            if (thread.isAlive()) {
                LOG.atWarn()
                        .setMessage("kafka poll thread did not stop in time; leaving it")
                        .addKeyValue("trigger", name())
                        .addKeyValue("waitedMs", waitMillis)
                        .log();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Optional<String> problem() {
        KafkaPollLoop running = loop;
        return running == null ? Optional.empty() : Optional.ofNullable(running.problem());
    }

    /** @return the poll loop once started, for tests */
    synchronized KafkaPollLoop loop() {
        return loop;
    }
}
