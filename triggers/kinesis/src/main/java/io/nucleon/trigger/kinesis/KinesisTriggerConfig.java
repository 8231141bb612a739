package io.nucleon.trigger.kinesis;

import io.nucleon.config.BatchConfig;
import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.stream.RetryPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The {@code attributes} of a {@code kinesis} trigger (Nuclio's names where Nuclio has them), plus the
 * trigger's {@code batch} section.
 *
 * @param streamName the stream to read
 * @param regionName the AWS region
 * @param accessKeyId the access key id, or empty to use the SDK's default credentials chain
 * @param secretAccessKey the secret key, or empty; never logged ({@link #toString()} hides it)
 * @param endpoint another endpoint than AWS's (kinesalite, LocalStack, a VPC endpoint)
 * @param shards the shards to read (and their descendants after resharding); empty for all
 * @param iteratorType where a shard without a checkpoint starts: {@code LATEST}, {@code TRIM_HORIZON} or
 *     {@code AT_SEQUENCE_NUMBER}
 * @param startingSequenceNumber the sequence number for {@code AT_SEQUENCE_NUMBER}, else empty
 * @param pollingPeriod the wait before the next GetRecords of a shard whose last one was caught up
 * @param maxRecordsPerGet the most records one GetRecords returns
 * @param shardDiscoveryInterval how often the trigger lists the stream's shards
 * @param retry how failed records are retried
 * @param deadLetterStream where records go when their attempts are used up; empty to retry forever
 * @param checkpoint where and how often checkpoints are stored
 * @param workerTerminationTimeout how long shutdown waits for records in flight
 * @param batch micro-batches for a BatchFunction, when configured
 */
public record KinesisTriggerConfig(
        String streamName,
        String regionName,
        String accessKeyId,
        String secretAccessKey,
        Optional<URI> endpoint,
        List<String> shards,
        ShardIteratorType iteratorType,
        String startingSequenceNumber,
        Duration pollingPeriod,
        int maxRecordsPerGet,
        Duration shardDiscoveryInterval,
        RetryPolicy retry,
        String deadLetterStream,
        CheckpointSettings checkpoint,
        Duration workerTerminationTimeout,
        Optional<BatchConfig> batch) {

    /** Region used when neither {@code regionName} nor {@code AWS_REGION} says: {@value}. */
    public static final String DEFAULT_REGION = "us-east-1";
    /** Default of {@code iteratorType}: {@code LATEST} (Nuclio's default). */
    public static final ShardIteratorType DEFAULT_ITERATOR_TYPE = ShardIteratorType.LATEST;
    /** Default of {@code pollingPeriod}: 500 ms. */
    public static final Duration DEFAULT_POLLING_PERIOD = Duration.ofMillis(500);
    /** Default of {@code maxRecordsPerGet}: {@value}. */
    public static final int DEFAULT_MAX_RECORDS_PER_GET = 1000;
    /** Largest {@code maxRecordsPerGet}: {@value} (GetRecords' own limit). */
    public static final int MAX_RECORDS_PER_GET = 10_000;
    /** Default of {@code shardDiscoveryInterval}: 30 s. */
    public static final Duration DEFAULT_SHARD_DISCOVERY_INTERVAL = Duration.ofSeconds(30);
    /** Default of {@code workerTerminationTimeout}: 10 s. */
    public static final Duration DEFAULT_WORKER_TERMINATION_TIMEOUT = Duration.ofSeconds(10);

    static final List<String> ATTRIBUTES = List.of(
            "streamName",
            "regionName",
            "accessKeyID",
            "secretAccessKey",
            "endpoint",
            "shards",
            "iteratorType",
            "startingSequenceNumber",
            "pollingPeriod",
            "maxRecordsPerGet",
            "shardDiscoveryInterval",
            "retry",
            "deadLetterStream",
            "checkpoint",
            "workerTerminationTimeout");

    private static final List<ShardIteratorType> ITERATOR_TYPES =
            List.of(ShardIteratorType.LATEST, ShardIteratorType.TRIM_HORIZON, ShardIteratorType.AT_SEQUENCE_NUMBER);

    public KinesisTriggerConfig {
        shards = List.copyOf(shards);
    }

    /**
     * Reads and validates the attributes.
     *
     * @param attributes the trigger's {@code attributes} mapping
     * @param batch the trigger's {@code batch} section
     * @return the configuration
     * @throws io.nucleon.config.ConfigException naming the bad attribute and its line
     */
    public static KinesisTriggerConfig from(ConfigNode attributes, Optional<BatchConfig> batch) {
        attributes.rejectUnknown(ATTRIBUTES);
        String accessKeyId = attributes.string("accessKeyID", "").trim();
        String secretAccessKey = attributes.string("secretAccessKey", "").trim();
        if (accessKeyId.isEmpty() != secretAccessKey.isEmpty()) {
            String missing = accessKeyId.isEmpty() ? "accessKeyID" : "secretAccessKey";
            String given = accessKeyId.isEmpty() ? "secretAccessKey" : "accessKeyID";
            throw attributes
                    .required(given)
                    .error("needs " + missing + " too (give both, or neither to use the AWS SDK's default "
                            + "credentials chain)");
        }
        List<String> shards = shards(attributes);
        ShardIteratorType iteratorType = iteratorType(attributes);
        String startingSequenceNumber = startingSequenceNumber(attributes, iteratorType, shards);
        return new KinesisTriggerConfig(
                attributes.string("streamName").trim(),
                attributes.string("regionName", defaultRegion()).trim(),
                accessKeyId,
                secretAccessKey,
                endpoint(attributes),
                shards,
                iteratorType,
                startingSequenceNumber,
                positive(attributes, "pollingPeriod", DEFAULT_POLLING_PERIOD),
                attributes.integer("maxRecordsPerGet", DEFAULT_MAX_RECORDS_PER_GET, 1, MAX_RECORDS_PER_GET),
                positive(attributes, "shardDiscoveryInterval", DEFAULT_SHARD_DISCOVERY_INTERVAL),
                attributes.child("retry").map(RetryPolicy::from).orElseGet(RetryPolicy::defaults),
                attributes.string("deadLetterStream", "").trim(),
                attributes.child("checkpoint").map(CheckpointSettings::from).orElseGet(CheckpointSettings::defaults),
                positive(attributes, "workerTerminationTimeout", DEFAULT_WORKER_TERMINATION_TIMEOUT),
                batch);
    }

    /** @return whether records go to a BatchFunction in micro-batches */
    public boolean batched() {
        return batch.isPresent();
    }

    /** @return whether the trigger signs with the configured keys rather than the default credentials chain */
    public boolean hasStaticCredentials() {
        return !accessKeyId.isEmpty();
    }

    /** Leaves the secret out, so a logged or printed configuration never shows it. */
    @Override
    public String toString() {
        return "KinesisTriggerConfig[streamName=" + streamName + ", regionName=" + regionName + ", accessKeyId="
                + accessKeyId + ", secretAccessKey=" + (secretAccessKey.isEmpty() ? "" : "****") + ", endpoint="
                + endpoint + ", shards=" + shards + ", iteratorType=" + iteratorType + ", startingSequenceNumber="
                + startingSequenceNumber + ", pollingPeriod=" + pollingPeriod + ", maxRecordsPerGet="
                + maxRecordsPerGet + ", shardDiscoveryInterval=" + shardDiscoveryInterval + ", retry=" + retry
                + ", deadLetterStream=" + deadLetterStream + ", checkpoint=" + checkpoint
                + ", workerTerminationTimeout=" + workerTerminationTimeout + ", batch=" + batch + "]";
    }

    /** {@code regionName}'s default: {@code AWS_REGION}, as the AWS SDKs read it, else {@value #DEFAULT_REGION}. */
    static String defaultRegion() {
        String region = System.getenv("AWS_REGION");
        return region == null || region.isBlank() ? DEFAULT_REGION : region.trim();
    }

    private static Optional<URI> endpoint(ConfigNode attributes) {
        Optional<ConfigNode> node = attributes.child("endpoint");
        if (node.isEmpty()) {
            return Optional.empty();
        }
        String text = node.get().scalar().trim();
        try {
            URI uri = new URI(text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw node.get().error("must be an http:// or https:// URL with a host, got '" + text + "'");
    }

    /** Nuclio writes a list; a comma-separated string is accepted too. */
    private static List<String> shards(ConfigNode attributes) {
        Optional<ConfigNode> node = attributes.child("shards");
        if (node.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (node.get().isSequence()) {
            node.get().elements().forEach(element -> names.add(element.scalar().trim()));
        } else {
            Arrays.stream(node.get().scalar().split(",")).map(String::trim).forEach(names::add);
        }
        names.removeIf(String::isEmpty);
        if (names.isEmpty()) {
            throw node.get().error("must name at least one shard id, or be left out to read every shard");
        }
        return List.copyOf(new LinkedHashSet<>(names));
    }

    private static ShardIteratorType iteratorType(ConfigNode attributes) {
        String text = attributes.string("iteratorType", DEFAULT_ITERATOR_TYPE.toString());
        for (ShardIteratorType type : ITERATOR_TYPES) {
            if (type.toString().equals(text)) {
                return type;
            }
        }
        throw attributes
                .required("iteratorType")
                .error("must be one of LATEST, TRIM_HORIZON, AT_SEQUENCE_NUMBER, got '" + text + "'");
    }

    /** A sequence number belongs to one shard, so AT_SEQUENCE_NUMBER needs exactly one shard named. */
    private static String startingSequenceNumber(
            ConfigNode attributes, ShardIteratorType iteratorType, List<String> shards) {
        Optional<ConfigNode> node = attributes.child("startingSequenceNumber");
        if (iteratorType != ShardIteratorType.AT_SEQUENCE_NUMBER) {
            if (node.isPresent()) {
                throw node.get().error("is only read with iteratorType: AT_SEQUENCE_NUMBER");
            }
            return "";
        }
        if (node.isEmpty()) {
            throw attributes.required("iteratorType").error("AT_SEQUENCE_NUMBER needs startingSequenceNumber");
        }
        String text = node.get().scalar().trim();
        if (text.isEmpty() || text.length() > 128 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw node.get().error("must be a Kinesis sequence number (up to 128 digits), got '" + text + "'");
        }
        if (shards.size() != 1) {
            throw node.get()
                    .error("belongs to one shard: name exactly that shard in 'shards' (a sequence number is "
                            + "only valid in the shard that holds it)");
        }
        return text;
    }

    static Duration positive(ConfigNode node, String key, Duration defaultValue) {
        Duration value = node.duration(key, defaultValue);
        if (value.isZero()) {
            throw node.required(key).error("must be longer than 0");
        }
        return value;
    }

    /**
     * The {@code checkpoint} section.
     *
     * <pre>{@code
     * checkpoint:
     *   store: file          # file (default), redis, or a class implementing spi.CheckpointStore
     *   path: /var/lib/cp    # file: the directory (default $NUCLEON_HOME/checkpoints/<function>)
     *   url: redis://host:6379/0   # redis
     *   interval: 1s         # how often checkpoints are saved while records flow
     *   options: {...}       # a class store: handed to its constructor
     * }</pre>
     *
     * @param store {@code file}, {@code redis} or a class name
     * @param path the file store's directory; empty for the default
     * @param url the Redis URL, for {@code redis}
     * @param interval how often checkpoints are saved
     * @param options settings for a store named by class
     */
    public record CheckpointSettings(
            String store, Optional<Path> path, String url, Duration interval, Map<String, String> options) {

        /** The file store: {@value}. */
        public static final String FILE = "file";
        /** The Redis store: {@value}. */
        public static final String REDIS = "redis";
        /** Default of {@code checkpoint.interval}: 1 s. */
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

        private static final List<String> FIELDS = List.of("store", "path", "url", "interval", "options");

        public CheckpointSettings {
            options = Map.copyOf(options);
        }

        static CheckpointSettings defaults() {
            return new CheckpointSettings(FILE, Optional.empty(), "", DEFAULT_INTERVAL, Map.of());
        }

        static CheckpointSettings from(ConfigNode node) {
            node.rejectUnknown(FIELDS);
            String store = node.string("store", FILE).trim();
            boolean custom = !store.equals(FILE) && !store.equals(REDIS);
            if (custom) {
                CheckpointStores.checkClass(store, node.required("store"));
            }
            onlyFor(node, "path", store.equals(FILE), "store: file");
            onlyFor(node, "url", store.equals(REDIS), "store: redis");
            onlyFor(node, "options", custom, "a store named by class");
            return new CheckpointSettings(
                    store,
                    path(node),
                    store.equals(REDIS) ? redisUrl(node) : "",
                    positive(node, "interval", DEFAULT_INTERVAL),
                    node.child("options").map(ConfigNode::stringMap).orElse(Map.of()));
        }

        /** Shows the Redis URL without its password. */
        @Override
        public String toString() {
            return "CheckpointSettings[store=" + store + ", path=" + path + ", url=" + CheckpointStores.redact(url)
                    + ", interval=" + interval + ", options=" + options.keySet() + "]";
        }

        private static void onlyFor(ConfigNode node, String key, boolean allowed, String what) {
            if (!allowed && node.child(key).isPresent()) {
                throw node.required(key).error("is only read with " + what);
            }
        }

        private static Optional<Path> path(ConfigNode node) {
            Optional<ConfigNode> child = node.child("path");
            if (child.isEmpty()) {
                return Optional.empty();
            }
            String text = child.get().scalar().trim();
            try {
                if (!text.isEmpty()) {
                    return Optional.of(Path.of(text));
                }
            } catch (InvalidPathException e) {
                throw child.get().error("is not a valid path: " + e.getMessage());
            }
            throw child.get().error("must not be empty");
        }

        private static String redisUrl(ConfigNode node) {
            ConfigNode child = node.required("url");
            String text = child.scalar().trim();
            try {
                URI uri = new URI(text);
                if (("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null) {
                    return text;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw child.error("must be a redis:// or rediss:// URL with a host (redis://host:6379/0), got '"
                    + CheckpointStores.redact(text) + "'");
        }
    }
}
