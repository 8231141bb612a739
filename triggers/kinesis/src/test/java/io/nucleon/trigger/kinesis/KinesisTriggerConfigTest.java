package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.BatchConfig;
import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.config.TriggerConfig;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.spi.TriggerFactory;
import io.nucleon.runtime.stream.RetryPolicy;
import io.nucleon.trigger.kinesis.KinesisTriggerConfig.CheckpointSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** The kinesis trigger's attributes, read from a function.yaml: defaults, forms and errors. */
class KinesisTriggerConfigTest {

    /** Line of {@code attributes:} in {@link #yaml}; attribute {@code i} (0-based) is on line {@code ATTRIBUTES + 1 + i}. */
    private static final int ATTRIBUTES = 8;

    private static final String WHERE = "spec.triggers.events.attributes";
    private static final List<String> REQUIRED = List.of("streamName: orders");

    // ---- defaults and forms ---------------------------------------------------------------------------

    @Test
    void shouldFillDefaultsForEverythingButTheStreamName() {
        KinesisTriggerConfig config = config(REQUIRED);

        assertThat(config.streamName()).isEqualTo("orders");
        String region = System.getenv("AWS_REGION");
        assertThat(config.regionName()).isEqualTo(region == null || region.isBlank() ? "us-east-1" : region.trim());
        assertThat(config.hasStaticCredentials()).isFalse();
        assertThat(config.accessKeyId()).isEmpty();
        assertThat(config.secretAccessKey()).isEmpty();
        assertThat(config.endpoint()).isEmpty();
        assertThat(config.shards()).isEmpty();
        assertThat(config.iteratorType()).isEqualTo(ShardIteratorType.LATEST);
        assertThat(config.startingSequenceNumber()).isEmpty();
        assertThat(config.pollingPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.maxRecordsPerGet()).isEqualTo(1000);
        assertThat(config.shardDiscoveryInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.retry()).isEqualTo(RetryPolicy.defaults());
        assertThat(config.deadLetterStream()).isEmpty();
        assertThat(config.checkpoint())
                .isEqualTo(new CheckpointSettings("file", Optional.empty(), "", Duration.ofSeconds(1), Map.of()));
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.batch()).isEmpty();
        assertThat(config.batched()).isFalse();
    }

    @Test
    void shouldReadEveryAttributeAndTheBatchSection() {
        KinesisTriggerConfig config = config(
                List.of(
                        "streamName: orders",
                        "regionName: eu-west-1",
                        "accessKeyID: AKIAEXAMPLE",
                        "secretAccessKey: s3cr3t",
                        "endpoint: http://127.0.0.1:4567",
                        "shards: [shardId-000000000001]",
                        "iteratorType: AT_SEQUENCE_NUMBER",
                        "startingSequenceNumber: \"49590338271490256608559692538361571095921575989136588898\"",
                        "pollingPeriod: 1s",
                        "maxRecordsPerGet: 200",
                        "shardDiscoveryInterval: 10s",
                        "retry: {maxAttempts: 5, initialBackoff: 50ms, maxBackoff: 2s}",
                        "deadLetterStream: orders-dlq",
                        "checkpoint: {store: file, path: /var/lib/nucleon, interval: 250ms}",
                        "workerTerminationTimeout: 30s"),
                "      batch: {batchSize: 64, timeout: 50ms}");

        assertThat(config.regionName()).isEqualTo("eu-west-1");
        assertThat(config.hasStaticCredentials()).isTrue();
        assertThat(config.accessKeyId()).isEqualTo("AKIAEXAMPLE");
        assertThat(config.secretAccessKey()).isEqualTo("s3cr3t");
        assertThat(config.endpoint()).contains(URI.create("http://127.0.0.1:4567"));
        assertThat(config.shards()).containsExactly("shardId-000000000001");
        assertThat(config.iteratorType()).isEqualTo(ShardIteratorType.AT_SEQUENCE_NUMBER);
        assertThat(config.startingSequenceNumber())
                .isEqualTo("49590338271490256608559692538361571095921575989136588898");
        assertThat(config.pollingPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.maxRecordsPerGet()).isEqualTo(200);
        assertThat(config.shardDiscoveryInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.retry())
                .isEqualTo(new RetryPolicy(
                        5,
                        Duration.ofMillis(50).toNanos(),
                        Duration.ofSeconds(2).toNanos()));
        assertThat(config.deadLetterStream()).isEqualTo("orders-dlq");
        assertThat(config.checkpoint())
                .isEqualTo(new CheckpointSettings(
                        "file", Optional.of(Path.of("/var/lib/nucleon")), "", Duration.ofMillis(250), Map.of()));
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.batch()).contains(new BatchConfig(64, Duration.ofMillis(50)));
        assertThat(config.batched()).isTrue();
    }

    @Test
    void shouldAcceptShardsAsACommaSeparatedStringAndDropRepeats() {
        KinesisTriggerConfig config =
                config(with("shards: \"shardId-000000000000, shardId-000000000002,,shardId-000000000000\""));

        assertThat(config.shards()).containsExactly("shardId-000000000000", "shardId-000000000002");
    }

    @Test
    void shouldReadARedisStoreAndAStoreNamedByClassWithItsOptions() {
        assertThat(config(with("checkpoint: {store: redis, url: 'redis://:pw@redis:6379/2'}"))
                        .checkpoint())
                .isEqualTo(new CheckpointSettings(
                        "redis", Optional.empty(), "redis://:pw@redis:6379/2", Duration.ofSeconds(1), Map.of()));
        assertThat(config(with("checkpoint: {store: " + MemoryCheckpointStore.class.getName()
                                + ", options: {name: a, table: b}}"))
                        .checkpoint()
                        .options())
                .isEqualTo(Map.of("name", "a", "table", "b"));
    }

    @Test
    void shouldNeverShowTheSecretKeyOrTheRedisPassword() {
        KinesisTriggerConfig config = config(with(
                "accessKeyID: AKIAEXAMPLE",
                "secretAccessKey: s3cr3t",
                "checkpoint: {store: redis, url: 'redis://user:hunter2@redis:6379'}"));

        assertThat(config.toString())
                .contains("accessKeyId=AKIAEXAMPLE", "secretAccessKey=****", "redis://user:****@redis:6379")
                .doesNotContain("s3cr3t", "hunter2");
    }

    // ---- errors ---------------------------------------------------------------------------------------

    @Test
    void shouldNameAMissingOrEmptyStreamName() {
        assertError(List.of("regionName: eu-west-1"), ATTRIBUTES, "streamName", "is required");
        assertError(List.of("streamName: \" \""), ATTRIBUTES + 1, "streamName", "must not be empty");
    }

    @Test
    void shouldListTheKnownAttributesForAnUnknownOne() {
        assertError(
                with("topic: orders"),
                ATTRIBUTES + 2,
                "topic",
                "unknown field (known fields: accessKeyID, checkpoint, deadLetterStream, endpoint, iteratorType, "
                        + "maxRecordsPerGet, pollingPeriod, regionName, retry, secretAccessKey, shardDiscoveryInterval, "
                        + "shards, startingSequenceNumber, streamName, workerTerminationTimeout)");
    }

    @Test
    void shouldWantBothKeysOrNeither() {
        assertError(
                with("accessKeyID: AKIAEXAMPLE"),
                ATTRIBUTES + 2,
                "accessKeyID",
                "needs secretAccessKey too (give both, or neither to use the AWS SDK's default credentials chain)");
        assertError(
                with("secretAccessKey: s3cr3t"),
                ATTRIBUTES + 2,
                "secretAccessKey",
                "needs accessKeyID too (give both, or neither to use the AWS SDK's default credentials chain)");
    }

    @Test
    void shouldRejectAnUnknownIteratorType() {
        assertError(
                with("iteratorType: OLDEST"),
                ATTRIBUTES + 2,
                "iteratorType",
                "must be one of LATEST, TRIM_HORIZON, AT_SEQUENCE_NUMBER, got 'OLDEST'");
    }

    @Test
    void shouldTieStartingSequenceNumberToAtSequenceNumberAndOneShard() {
        assertError(
                with("iteratorType: AT_SEQUENCE_NUMBER", "shards: [shardId-000000000000]"),
                ATTRIBUTES + 2,
                "iteratorType",
                "AT_SEQUENCE_NUMBER needs startingSequenceNumber");
        assertError(
                with("startingSequenceNumber: \"123\""),
                ATTRIBUTES + 2,
                "startingSequenceNumber",
                "is only read with iteratorType: AT_SEQUENCE_NUMBER");
        assertError(
                with("iteratorType: AT_SEQUENCE_NUMBER", "startingSequenceNumber: 12ab"),
                ATTRIBUTES + 3,
                "startingSequenceNumber",
                "must be a Kinesis sequence number (up to 128 digits), got '12ab'");
        assertError(
                with("iteratorType: AT_SEQUENCE_NUMBER", "startingSequenceNumber: \"123\""),
                ATTRIBUTES + 3,
                "startingSequenceNumber",
                "belongs to one shard: name exactly that shard in 'shards' (a sequence number is only valid in the "
                        + "shard that holds it)");
    }

    @Test
    void shouldRejectAnEndpointThatIsNotAnHttpUrl() {
        assertError(
                with("endpoint: 127.0.0.1:4567"),
                ATTRIBUTES + 2,
                "endpoint",
                "must be an http:// or https:// URL with a host, got '127.0.0.1:4567'");
    }

    @Test
    void shouldRejectAnEmptyShardList() {
        assertError(
                with("shards: []"),
                ATTRIBUTES + 2,
                "shards",
                "must name at least one shard id, or be left out to read every shard");
    }

    @Test
    void shouldRejectNumbersAndDurationsOutOfRange() {
        assertError(
                with("maxRecordsPerGet: 0"),
                ATTRIBUTES + 2,
                "maxRecordsPerGet",
                "must be an integer from 1 to 10000, got '0'");
        assertError(
                with("maxRecordsPerGet: 10001"),
                ATTRIBUTES + 2,
                "maxRecordsPerGet",
                "must be an integer from 1 to 10000, got '10001'");
        assertError(with("pollingPeriod: 0ms"), ATTRIBUTES + 2, "pollingPeriod", "must be longer than 0");
        assertError(
                with("shardDiscoveryInterval: 0s"), ATTRIBUTES + 2, "shardDiscoveryInterval", "must be longer than 0");
        assertError(
                with("workerTerminationTimeout: 0s"),
                ATTRIBUTES + 2,
                "workerTerminationTimeout",
                "must be longer than 0");
        assertError(
                with("retry: {maxAttempts: 0}"),
                ATTRIBUTES + 2,
                "retry.maxAttempts",
                "must be an integer from 1 to 1000000, got '0'");
    }

    @Test
    void shouldExplainBadCheckpointSettings() {
        assertError(
                with("checkpoint: {store: com.example.NoSuchStore}"),
                ATTRIBUTES + 2,
                "checkpoint.store",
                "must be file, redis, or the name of a class implementing "
                        + "io.nucleon.trigger.kinesis.spi.CheckpointStore on the processor's classpath; class "
                        + "'com.example.NoSuchStore' was not found");
        assertError(
                with("checkpoint: {store: java.lang.String}"),
                ATTRIBUTES + 2,
                "checkpoint.store",
                "class 'java.lang.String' does not implement io.nucleon.trigger.kinesis.spi.CheckpointStore");
        assertError(with("checkpoint: {store: redis}"), ATTRIBUTES + 2, "checkpoint.url", "is required");
        assertError(
                with("checkpoint: {store: redis, url: 'http://redis:6379'}"),
                ATTRIBUTES + 2,
                "checkpoint.url",
                "must be a redis:// or rediss:// URL with a host (redis://host:6379/0), got 'http://redis:6379'");
        assertError(
                with("checkpoint: {store: redis, url: 'redis://redis', path: /tmp}"),
                ATTRIBUTES + 2,
                "checkpoint.path",
                "is only read with store: file");
        assertError(
                with("checkpoint: {url: 'redis://redis'}"),
                ATTRIBUTES + 2,
                "checkpoint.url",
                "is only read with store: redis");
        assertError(
                with("checkpoint: {options: {table: t}}"),
                ATTRIBUTES + 2,
                "checkpoint.options",
                "is only read with a store named by class");
        assertError(with("checkpoint: {interval: 0s}"), ATTRIBUTES + 2, "checkpoint.interval", "must be longer than 0");
        assertError(
                with("checkpoint: {dir: /tmp}"),
                ATTRIBUTES + 2,
                "checkpoint.dir",
                "unknown field (known fields: interval, options, path, store, url)");
    }

    // ---- the factory ----------------------------------------------------------------------------------

    @Test
    void shouldBeFoundByKindAndCreateATriggerWithoutConnecting() {
        TriggerFactory factory = ServiceLoader.load(TriggerFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(candidate -> candidate.kind().equals("kinesis"))
                .findFirst()
                .orElseThrow();
        assertThat(factory.supportsBatches()).isTrue();

        TriggerConfig trigger = trigger(yaml(with("endpoint: http://127.0.0.1:1"), ""));
        Trigger created = factory.create(
                new TriggerContext(trigger, "fn", null, new SimpleMeterRegistry(), Duration.ofSeconds(5)));

        assertThat(created.name()).isEqualTo("events");
        assertThat(created.kind()).isEqualTo("kinesis");
        assertThat(created.problem()).isEmpty();
        created.close();
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** @return the required attributes plus {@code extra}, one per line */
    private static List<String> with(String... extra) {
        List<String> lines = new ArrayList<>(REQUIRED);
        lines.addAll(List.of(extra));
        return lines;
    }

    private static String yaml(List<String> attributes, String triggerExtras) {
        StringBuilder yaml = new StringBuilder("""
                metadata:
                  name: fn
                spec:
                  handler: com.example.Handler
                  triggers:
                    events:
                      kind: kinesis
                """);
        if (!triggerExtras.isEmpty()) {
            yaml.append(triggerExtras).append('\n');
        }
        yaml.append("      attributes:\n");
        attributes.forEach(line -> yaml.append("        ").append(line).append('\n'));
        return yaml.toString();
    }

    private static TriggerConfig trigger(String yaml) {
        return FunctionConfigLoader.parse(yaml, "function.yaml")
                .spec()
                .triggers()
                .get("events");
    }

    private static KinesisTriggerConfig config(List<String> attributes) {
        return config(attributes, "");
    }

    private static KinesisTriggerConfig config(List<String> attributes, String triggerExtras) {
        TriggerConfig trigger = trigger(yaml(attributes, triggerExtras));
        return KinesisTriggerConfig.from(trigger.attributes(), trigger.batch());
    }

    private static void assertError(List<String> attributes, int line, String field, String problem) {
        assertThatThrownBy(() -> config(attributes))
                .as("%s", attributes)
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + line + ": " + WHERE + "." + field + ": " + problem);
    }
}
