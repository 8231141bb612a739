package io.nucleon.trigger.kinesis;

import io.micrometer.core.instrument.Tags;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.trigger.kinesis.spi.CheckpointStore;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * A {@code kinesis} trigger: reads every shard of a stream (or the ones named, and their descendants) on
 * one thread, hands records of a shard to the workers in sequence order, checkpoints per shard only past
 * records the function has finished (at-least-once), retries failed records and then dead-letters them,
 * and follows resharding (children after their parents). See {@link KinesisPollLoop} for the mechanics.
 */
final class KinesisTrigger implements Trigger {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisTrigger.class);

    private final TriggerContext context;
    private final KinesisTriggerConfig config;
    private final KinesisTriggerMetrics metrics;
    private volatile KinesisPollLoop loop;
    private Thread thread;
    private boolean started;
    private boolean closed;

    KinesisTrigger(TriggerContext context, KinesisTriggerConfig config) {
        this.context = context;
        this.config = config;
        this.metrics = new KinesisTriggerMetrics(
                context.registry(),
                Tags.of(
                        "function",
                        context.functionName(),
                        "trigger_kind",
                        KinesisTriggerFactory.KIND,
                        "trigger_id",
                        context.config().name()));
    }

    @Override
    public String name() {
        return context.config().name();
    }

    @Override
    public String kind() {
        return KinesisTriggerFactory.KIND;
    }

    /**
     * Checks that the stream exists, opens the checkpoint store and starts the poll thread. A stream that
     * does not exist fails the start; an endpoint that cannot be reached does not (the trigger reports it as
     * its problem and keeps trying).
     */
    @Override
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        KinesisClient client = KinesisClients.create(config);
        CheckpointStore store = null;
        DeadLetterPublisher deadLetters = null;
        try {
            String unreachable = checkStream(client, config.streamName(), "Kinesis stream");
            if (!config.deadLetterStream().isEmpty() && unreachable == null) {
                checkStream(client, config.deadLetterStream(), "deadLetterStream");
            }
            store = CheckpointStores.open(
                    config.checkpoint(),
                    new CheckpointStore.Context(
                            context.functionName(),
                            name(),
                            config.streamName(),
                            config.checkpoint().options()));
            deadLetters = config.deadLetterStream().isEmpty()
                    ? null
                    : new DeadLetterPublisher(client, config.deadLetterStream(), name());
            ShardReader reader = new ShardReader(config, name(), client, metrics);
            if (unreachable != null) {
                reader.problem(unreachable);
            }
            Checkpointer checkpoints = new Checkpointer(
                    store, config.checkpoint().interval().toNanos(), name(), metrics, new ProblemLog(name()));
            loop = new KinesisPollLoop(
                    config,
                    context.functionName(),
                    name(),
                    reader,
                    checkpoints,
                    context.dispatcher(),
                    metrics,
                    deadLetters,
                    client);
        } catch (RuntimeException e) {
            closeQuietly(deadLetters);
            closeQuietly(store);
            closeQuietly(client);
            throw e.getMessage() != null && e.getMessage().startsWith("trigger '")
                    ? e
                    : new IllegalStateException("trigger '" + name() + "': " + e.getMessage(), e);
        }
        thread = Thread.ofPlatform()
                .name("nucleon-kinesis-" + name())
                .daemon(true)
                .unstarted(loop);
        thread.start();
        LOG.atInfo()
                .setMessage("kinesis trigger started")
                .addKeyValue("trigger", name())
                .addKeyValue("stream", config.streamName())
                .addKeyValue("region", config.regionName())
                .addKeyValue("endpoint", config.endpoint().map(Object::toString).orElse("AWS"))
                .addKeyValue("checkpoints", store.toString())
                .log();
    }

    /**
     * @param what how messages name the stream
     * @return why the endpoint could not be asked, or {@code null} when the stream exists
     * @throws IllegalStateException when Kinesis says the stream does not exist
     */
    private String checkStream(KinesisClient client, String stream, String what) {
        try {
            client.describeStreamSummary(
                    DescribeStreamSummaryRequest.builder().streamName(stream).build());
            return null;
        } catch (ResourceNotFoundException e) {
            throw new IllegalStateException("trigger '" + name() + "': " + what + " '" + stream
                    + "' does not exist in region " + config.regionName()
                    + config.endpoint().map(uri -> " at " + uri).orElse("") + " (create it, or fix the name)");
        } catch (SdkException e) {
            LOG.atWarn()
                    .setMessage("cannot check the kinesis stream at start; the trigger keeps trying")
                    .addKeyValue("trigger", name())
                    .addKeyValue("stream", stream)
                    .addKeyValue("error", e.getMessage())
                    .log();
            return "cannot check " + what + " '" + stream + "': " + e.getMessage();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // start failed already; that is the error to report
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
                    .plus(KinesisPollLoop.shutdownAllowance())
                    .toMillis();
            thread.join(waitMillis);
            if (thread.isAlive()) {
                LOG.atWarn()
                        .setMessage("kinesis poll thread did not stop in time; leaving it")
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
        KinesisPollLoop running = loop;
        return running == null ? Optional.empty() : Optional.ofNullable(running.problem());
    }
}
