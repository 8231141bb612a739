package io.nucleon.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.brokers.Kinesalite;
import io.nucleon.testing.brokers.SharedBroker;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The packaged processor with a broker trigger that acknowledges message by message (RabbitMQ, NATS
 * JetStream, MQTT QoS 1) or keeps checkpoints (Kinesis), killed with SIGKILL mid-stream and started again:
 * no message is lost, because none is acknowledged or checkpointed before the function has handled it. {@link AppendingFunction} writes one line per
 * handled message to a file that outlives the process.
 *
 * <pre>
 *   publisher -> broker -> processor #1 --kill -9--> processor #2 --SIGTERM--> exit 0
 *                               \                        /
 *                                `-> output file <------'
 * </pre>
 *
 * <p>Each test keeps its function.yaml, output file and processor logs in {@code
 * target/broker-crash-recovery-it/<test>}.
 */
class BrokerCrashRecoveryIT {

    private static final Path TEST_CLASSES = Path.of("target/test-classes").toAbsolutePath();
    private static final Path RUNS = Path.of("target/broker-crash-recovery-it").toAbsolutePath();
    private static final int MESSAGES = 3000;
    private static final int KILL_AFTER = 600;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HANDLED_TIMEOUT = Duration.ofSeconds(90);

    private final List<ProcessorProcess> processors = new ArrayList<>();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private Path runDir;
    private Path outputFile;

    @RegisterExtension
    final TestWatcher printLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            ProcessorLogs.printTails(processors);
        }
    };

    @BeforeEach
    void createRunDirectory(TestInfo test) throws IOException {
        runDir = RUNS.resolve(test.getTestMethod().orElseThrow().getName());
        ProcessorLogs.deleteRecursively(runDir);
        Files.createDirectories(runDir);
        outputFile = runDir.resolve("handled.txt");
    }

    @AfterEach
    void killLeftoverProcessors() throws InterruptedException {
        for (ProcessorProcess processor : processors) {
            processor.process.destroyForcibly();
            processor.process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldLoseNoRabbitMqMessageWhenTheProcessorIsKilled() throws Exception {
        SharedBroker.RABBITMQ.require();
        String queue = "crash-recovery-" + suffix;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri("amqp://guest:guest@127.0.0.1:5672/%2F");
        try (var connection = factory.newConnection();
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, null);
            try {
                channel.confirmSelect();
                for (int i = 0; i < MESSAGES; i++) {
                    channel.basicPublish(
                            "", queue, MessageProperties.PERSISTENT_BASIC, ("v" + i).getBytes(StandardCharsets.UTF_8));
                }
                channel.waitForConfirmsOrDie(30_000);
                killAndRecover("""
                        kind: rabbit-mq
                        attributes:
                          url: amqp://guest:guest@127.0.0.1:5672/%%2F
                          queueName: %s
                        """.formatted(queue), () -> {});
            } finally {
                channel.queueDelete(queue);
            }
        }
    }

    /** A short ackWait: what the killed processor held comes back after it, not after the default 30 s. */
    @Test
    void shouldLoseNoJetStreamMessageWhenTheProcessorIsKilled() throws Exception {
        SharedBroker.NATS.require();
        String stream = "crash-recovery-" + suffix;
        String subject = "crash." + suffix;
        try (var connection = Nats.connect("nats://" + SharedBroker.NATS.address())) {
            JetStreamManagement management = connection.jetStreamManagement();
            management.addStream(StreamConfiguration.builder()
                    .name(stream)
                    .subjects(subject)
                    .storageType(StorageType.File)
                    .build());
            try {
                JetStream jetStream = connection.jetStream();
                List<java.util.concurrent.CompletableFuture<?>> acks = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    acks.add(jetStream.publishAsync(subject, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
                for (var ack : acks) {
                    ack.get(30, TimeUnit.SECONDS);
                }
                killAndRecover("""
                        kind: natsjetstream
                        attributes:
                          url: nats://%s
                          stream: %s
                          consumer: appender
                          ackWait: 5s
                        """.formatted(SharedBroker.NATS.address(), stream), () -> {});
            } finally {
                management.deleteStream(stream);
            }
        }
    }

    /**
     * A mosquitto of the test's own: the shared one keeps at most 1000 messages for a client that is away
     * (its default {@code max_queued_messages}), fewer than this test leaves queued during the restart.
     */
    @Test
    void shouldLoseNoMqttQos1MessageWhenTheProcessorIsKilled() throws Exception {
        SharedBroker.MOSQUITTO.require();
        try (BrokerProcess mosquitto = BrokerProcess.mosquitto()) {
            String topic = "crash/" + suffix;
            String url = "tcp://" + mosquitto.address();
            MqttClient publisher = new MqttClient(url, "publisher-" + suffix, new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMaxInflight(1000);
            publisher.connect(options);
            try {
                killAndRecover("""
                        kind: mqtt
                        attributes:
                          url: %s
                          clientID: appender-%s
                          subscriptions:
                            - topic: %s
                              qos: 1
                        """.formatted(url, suffix, topic), () -> {
                    for (int i = 0; i < MESSAGES; i++) {
                        publisher.publish(topic, ("v" + i).getBytes(StandardCharsets.UTF_8), 1, false);
                    }
                });
            } finally {
                publisher.disconnect();
                publisher.close();
            }
        }
    }

    /**
     * Kinesis has no acknowledgements: the trigger's checkpoints (a file here, saved every 200 ms) say
     * where a restart resumes, so what was handled after the last save runs again and nothing is lost.
     */
    @Test
    void shouldLoseNoKinesisRecordWhenTheProcessorIsKilled() throws Exception {
        System.setProperty("aws.cborEnabled", "false"); // kinesalite speaks JSON only
        try (Kinesalite kinesalite = Kinesalite.inMemory();
                KinesisClient client = KinesisClient.builder()
                        .endpointOverride(URI.create(kinesalite.endpoint()))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .build()) {
            String stream = "crash-recovery-" + suffix;
            client.createStream(request -> request.streamName(stream).shardCount(2));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> client.describeStreamSummary(request -> request.streamName(stream))
                                    .streamDescriptionSummary()
                                    .streamStatus()
                            == StreamStatus.ACTIVE);
            for (int first = 0; first < MESSAGES; first += 500) {
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (int i = first; i < first + 500; i++) {
                    entries.add(PutRecordsRequestEntry.builder()
                            .partitionKey("k" + i)
                            .data(SdkBytes.fromUtf8String("v" + i))
                            .build());
                }
                assertThat(client.putRecords(
                                        request -> request.streamName(stream).records(entries))
                                .failedRecordCount())
                        .isZero();
            }
            killAndRecover("""
                    kind: kinesis
                    attributes:
                      streamName: %s
                      endpoint: %s
                      accessKeyID: test
                      secretAccessKey: test
                      iteratorType: TRIM_HORIZON
                      pollingPeriod: 50ms
                      checkpoint: {store: file, path: "%s", interval: 200ms}
                    """.formatted(stream, kinesalite.endpoint(), runDir.resolve("checkpoints")), () -> {});
        }
    }

    /**
     * What a test does once its processor is up, in the background: the MQTT test publishes only after the
     * trigger has subscribed.
     */
    @FunctionalInterface
    private interface Publishing {
        void run() throws Exception;
    }

    private void killAndRecover(String trigger, Publishing publishing) throws Exception {
        Path config = writeConfig(trigger);
        ProcessorProcess first = start(config);
        // Published while the processor runs, is killed and restarts: the kill lands mid-stream.
        java.util.concurrent.CompletableFuture<Void> published = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                publishing.run();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        await("%d lines in %s".formatted(KILL_AFTER, outputFile))
                .atMost(HANDLED_TIMEOUT)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> handledValues(first).size() >= KILL_AFTER);
        first.process.destroyForcibly(); // SIGKILL: no drain, no final acknowledgements
        assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int beforeKill = readValues().size();
        assertThat(beforeKill)
                .as("lines when the processor was killed (must be mid-stream)")
                .isLessThan(MESSAGES);

        ProcessorProcess second = start(config);
        published.get(60, TimeUnit.SECONDS);
        List<String> all = await("every message in %s".formatted(outputFile))
                .atMost(HANDLED_TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> handledValues(second), values -> new HashSet<>(values).size() >= MESSAGES);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < MESSAGES; i++) {
            expected.add("v" + i);
        }
        assertThat(new HashSet<>(all)).isEqualTo(expected);
        System.out.printf(
                "BrokerCrashRecoveryIT %s: killed after %d lines; %d lines in all, %d handled twice%n",
                runDir.getFileName(), beforeKill, all.size(), all.size() - MESSAGES);

        second.process.destroy(); // SIGTERM
        assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(second.process.exitValue()).as("exit code after SIGTERM").isZero();
    }

    private ProcessorProcess start(Path config) throws IOException, InterruptedException {
        ProcessorProcess processor = ProcessorProcess.start(runDir, config, 0, "--classpath", TEST_CLASSES.toString());
        processors.add(processor);
        processor.awaitReady(READY_TIMEOUT);
        return processor;
    }

    private Path writeConfig(String trigger) throws IOException {
        String indented = trigger.lines()
                .map(line -> "      " + line)
                .reduce((a, b) -> a + "\n" + b)
                .orElseThrow();
        return Files.writeString(runDir.resolve("function.yaml"), """
                metadata:
                  name: appender
                spec:
                  handler: io.nucleon.processor.AppendingFunction
                  env:
                    - name: OUTPUT_FILE
                      value: "%s"
                  triggers:
                    messages:
                      numWorkers: 3
                %s
                """.formatted(outputFile, indented));
    }

    /** The values so far; fails at once if the processor has died. */
    private List<String> handledValues(ProcessorProcess processor) throws IOException {
        if (!processor.process.isAlive()) {
            throw new AssertionError("processor exited with " + processor.process.exitValue());
        }
        return readValues();
    }

    /** Complete lines only ({@code partition offset value}): the processor may be appending one. */
    private List<String> readValues() throws IOException {
        if (!Files.exists(outputFile)) {
            return List.of();
        }
        String text = Files.readString(outputFile);
        List<String> values = new ArrayList<>();
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
            String line = text.substring(start, end);
            values.add(line.substring(line.lastIndexOf(' ') + 1));
        }
        return values;
    }
}
