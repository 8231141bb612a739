package io.nucleon.trigger.kinesis;

import io.nucleon.runtime.stream.RecordEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * A Kinesis record as the function sees it: a view over the record GetRecords returned, nothing copied
 * until the function asks for a copy. Runs point one instance at each record in turn; batches hold one
 * per record.
 *
 * <p>Kinesis records have no headers of their own; the trigger offers three:
 *
 * <pre>
 *   kinesis-shard-id          shardId-000000000003
 *   kinesis-sequence-number   49680833997091155749683891882754189103697488515623288834
 *   kinesis-partition-key     the record's partition key
 * </pre>
 *
 * {@link #offset()} is -1: sequence numbers have up to 128 digits and do not fit a {@code long}; read the
 * {@code kinesis-sequence-number} header instead.
 */
final class KinesisRecordEvent implements RecordEvent<Record> {

    static final String SHARD_ID = "kinesis-shard-id";
    static final String SEQUENCE_NUMBER = "kinesis-sequence-number";
    static final String PARTITION_KEY = "kinesis-partition-key";

    private final String triggerName;
    private final String streamName;
    private final ShardState shard;
    private Record record;
    private long id;

    KinesisRecordEvent(String triggerName, String streamName, ShardState shard) {
        this.triggerName = triggerName;
        this.streamName = streamName;
        this.shard = shard;
    }

    @Override
    public KinesisRecordEvent point(Record record, long id) {
        this.record = record;
        this.id = id;
        return this;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String triggerKind() {
        return KinesisTriggerFactory.KIND;
    }

    @Override
    public String triggerName() {
        return triggerName;
    }

    @Override
    public String contentType() {
        return "";
    }

    /** SdkBytes hands out a read-only view over its array. */
    @Override
    public ByteBuffer body() {
        return record.data().asByteBuffer();
    }

    @Override
    public int bodySize() {
        return record.data().asByteArrayUnsafe().length;
    }

    @Override
    public byte[] bodyBytes() {
        return record.data().asByteArray();
    }

    @Override
    public String bodyString() {
        return new String(record.data().asByteArrayUnsafe(), StandardCharsets.UTF_8);
    }

    /** The three {@code kinesis-*} headers, by name ignoring case; {@code null} for any other name. */
    @Override
    public String header(String name) {
        if (SHARD_ID.equalsIgnoreCase(name)) {
            return shard.shardId();
        }
        if (SEQUENCE_NUMBER.equalsIgnoreCase(name)) {
            return record.sequenceNumber();
        }
        if (PARTITION_KEY.equalsIgnoreCase(name)) {
            return record.partitionKey();
        }
        return null;
    }

    @Override
    public Map<String, String> headers() {
        return Map.of(
                SHARD_ID, shard.shardId(),
                SEQUENCE_NUMBER, record.sequenceNumber(),
                PARTITION_KEY, record.partitionKey());
    }

    /** The record's approximate arrival time at Kinesis. */
    @Override
    public long timestampMillis() {
        Instant arrived = record.approximateArrivalTimestamp();
        return arrived == null ? -1 : arrived.toEpochMilli();
    }

    /** The number in the shard's id ({@code shardId-000000000003} is 3), or -1 for an id of another form. */
    @Override
    public int partition() {
        return shard.index();
    }

    /** -1: see the class comment. */
    @Override
    public long offset() {
        return -1;
    }

    @Override
    public String topic() {
        return streamName;
    }

    /** The partition key's UTF-8 bytes. */
    @Override
    public ByteBuffer key() {
        return ByteBuffer.wrap(record.partitionKey().getBytes(StandardCharsets.UTF_8))
                .asReadOnlyBuffer();
    }
}
