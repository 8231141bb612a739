package io.nucleon.trigger.kinesis;

import static org.awaitility.Awaitility.await;

import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import io.nucleon.testing.brokers.Kinesalite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** Streams, records and processors for one test, against a real kinesalite. */
final class KinesisFixture implements AutoCloseable {

    static final String TRIGGER = "events";

    final Kinesalite kinesalite;
    final KinesisClient client;
    final String stream;
    final String function;
    final Path checkpoints;
    /** spec.eventTimeout of the processors this fixture starts. */
    String eventTimeout = "5s";

    /**
     * @param kinesalite where the stream lives
     * @param name the test's name: the stream and the function get it with a unique suffix
     * @param shards the stream's shard count
     */
    KinesisFixture(Kinesalite kinesalite, String name, int shards) {
        this.kinesalite = kinesalite;
        this.client = client(kinesalite.endpoint());
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.stream = unique;
        this.function = unique;
        try {
            this.checkpoints = Files.createTempDirectory("nucleon-kinesis-checkpoints-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        createStream(stream, shards);
    }

    /** A client as the trigger builds one: JSON, not CBOR; kinesalite takes any credentials. */
    static KinesisClient client(String endpoint) {
        KinesisClients.preferJson();
        return KinesisClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    void createStream(String name, int shards) {
        client.createStream(request -> request.streamName(name).shardCount(shards));
        awaitActive(name);
    }

    void awaitActive(String name) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> client.describeStreamSummary(request -> request.streamName(name))
                                .streamDescriptionSummary()
                                .streamStatus()
                        == StreamStatus.ACTIVE);
    }

    /** Puts one record and returns where it went. */
    PutRecordResponse put(String partitionKey, String value) {
        return client.putRecord(request -> request.streamName(stream)
                .partitionKey(partitionKey)
                .data(SdkBytes.fromString(value, StandardCharsets.UTF_8)));
    }

    /** Puts values to one shard, in order (an explicit hash key inside the shard's range). */
    List<PutRecordResponse> putToShard(int shardIndex, List<String> values) {
        String hashKey = shards().get(shardIndex).hashKeyRange().startingHashKey();
        List<PutRecordResponse> responses = new ArrayList<>();
        for (String value : values) {
            responses.add(client.putRecord(request -> request.streamName(stream)
                    .partitionKey("key-" + value)
                    .explicitHashKey(hashKey)
                    .data(SdkBytes.fromString(value, StandardCharsets.UTF_8))));
        }
        return responses;
    }

    List<Shard> shards() {
        return client.listShards(request -> request.streamName(stream)).shards();
    }

    static String shardId(int index) {
        return String.format("shardId-%012d", index);
    }

    /** Reads every record of a stream's first shard from its start. */
    List<Record> readAll(String streamName) {
        String iterator = client.getShardIterator(request -> request.streamName(streamName)
                        .shardId(shardId(0))
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        return client.getRecords(request -> request.shardIterator(iterator)).records();
    }

    static List<String> values(String prefix, int count) {
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(prefix + i);
        }
        return values;
    }

    /** @return the file store's checkpoints ({@code shardId -> seq:...}) as saved now */
    Properties savedCheckpoints() {
        Path file = checkpoints.resolve(TRIGGER + ".properties");
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (var reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return properties;
    }

    /**
     * A processor running {@code handler} with a kinesis trigger named {@value #TRIGGER} on this stream.
     *
     * @param triggerExtras YAML lines indented 6 spaces (e.g. a batch section), or ""
     * @param attributeExtras YAML lines indented 8 spaces; they replace the test defaults they name
     */
    Processor start(String handler, int numWorkers, String triggerExtras, String attributeExtras) {
        return start(stream, handler, numWorkers, triggerExtras, attributeExtras);
    }

    /** As {@link #start(String, int, String, String)}, reading {@code streamName}. */
    Processor start(String streamName, String handler, int numWorkers, String triggerExtras, String attributeExtras) {
        String yaml = """
                metadata:
                  name: %s
                spec:
                  handler: %s
                  eventTimeout: %s
                  triggers:
                    %s:
                      kind: kinesis
                      numWorkers: %d
                %s
                      attributes:
                        streamName: %s
                        regionName: us-east-1
                        accessKeyID: test
                        secretAccessKey: test
                %s
                %s
                """.formatted(
                        function,
                        handler,
                        eventTimeout,
                        TRIGGER,
                        numWorkers,
                        triggerExtras,
                        streamName,
                        defaultsNotIn(attributeExtras),
                        attributeExtras);
        ProcessorSettings settings = ProcessorSettings.defaults(
                        FunctionConfigLoader.parse(yaml, "function.yaml"), List.of())
                .withAdmin("127.0.0.1", 0)
                .withDrainTimeout(Duration.ofSeconds(10));
        return Processor.start(settings);
    }

    /** The test defaults (fast polling, a checkpoint directory of the test's own), except those the test sets. */
    private String defaultsNotIn(String attributeExtras) {
        List<String> defaults = List.of(
                "endpoint: " + kinesalite.endpoint(),
                "iteratorType: TRIM_HORIZON",
                "pollingPeriod: 20ms",
                "shardDiscoveryInterval: 1s",
                "workerTerminationTimeout: 5s",
                "checkpoint: {path: " + checkpoints + ", interval: 100ms}");
        StringBuilder lines = new StringBuilder();
        for (String line : defaults) {
            if (!attributeExtras.contains(line.substring(0, line.indexOf(':') + 1))) {
                lines.append(lines.isEmpty() ? "" : "\n").append("        ").append(line);
            }
        }
        return lines.toString();
    }

    /** @return whether the loop thread of the named trigger is alive ({@code nucleon-kinesis-<trigger>}) */
    static boolean pollThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("nucleon-kinesis-" + TRIGGER) && thread.isAlive());
    }

    @Override
    public void close() {
        client.close();
        try (var files = Files.walk(checkpoints)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
