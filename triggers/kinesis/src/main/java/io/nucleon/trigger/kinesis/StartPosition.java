package io.nucleon.trigger.kinesis;

import java.time.Instant;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Where reading a shard begins, as a GetShardIterator request says it.
 *
 * @param type the iterator type
 * @param sequenceNumber for {@code AT_/AFTER_SEQUENCE_NUMBER}, else {@code null}
 * @param timestamp for {@code AT_TIMESTAMP}, else {@code null}
 * @param fromCheckpoint whether the position comes from a saved checkpoint (a restart)
 */
record StartPosition(ShardIteratorType type, String sequenceNumber, Instant timestamp, boolean fromCheckpoint) {

    static StartPosition of(ShardIteratorType type) {
        return new StartPosition(type, null, null, false);
    }

    static StartPosition atSequence(String sequenceNumber) {
        return new StartPosition(ShardIteratorType.AT_SEQUENCE_NUMBER, sequenceNumber, null, false);
    }

    static StartPosition afterCheckpoint(String sequenceNumber) {
        return new StartPosition(ShardIteratorType.AFTER_SEQUENCE_NUMBER, sequenceNumber, null, true);
    }

    static StartPosition atTimestamp(Instant timestamp) {
        return new StartPosition(ShardIteratorType.AT_TIMESTAMP, null, timestamp, true);
    }

    /** Fills the position into a GetShardIterator request. */
    GetShardIteratorRequest.Builder applyTo(GetShardIteratorRequest.Builder request) {
        request.shardIteratorType(type);
        if (sequenceNumber != null) {
            request.startingSequenceNumber(sequenceNumber);
        }
        if (timestamp != null) {
            request.timestamp(timestamp);
        }
        return request;
    }

    @Override
    public String toString() {
        return sequenceNumber != null
                ? type + " " + sequenceNumber
                : timestamp != null ? type + " " + timestamp : type.toString();
    }
}
