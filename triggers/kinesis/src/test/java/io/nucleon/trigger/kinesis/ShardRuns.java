package io.nucleon.trigger.kinesis;

import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.Run;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Kinesis questions of a {@link Recorder}: a record's shard and sequence number reach the function as the
 * {@code kinesis-*} headers of {@link KinesisRecordEvent}, and sequence numbers compare as numbers, not text.
 */
final class ShardRuns {

    private ShardRuns() {}

    /** @return the shard id a run's record came from */
    static String shardId(Run run) {
        return run.header(KinesisRecordEvent.SHARD_ID);
    }

    /** @return the sequence number of a run's record */
    static String sequenceNumber(Run run) {
        return run.header(KinesisRecordEvent.SEQUENCE_NUMBER);
    }

    /** @return the partition key of a run's record */
    static String partitionKey(Run run) {
        return run.header(KinesisRecordEvent.PARTITION_KEY);
    }

    /** @return successful runs of one shard, in the order they were handled */
    static List<Run> succeeded(Recorder recorder, String shardId) {
        return recorder.succeeded(run -> shardId.equals(shardId(run)));
    }

    /** @return sequence numbers of one shard's successful runs, as numbers, in the order they were handled */
    static List<BigInteger> succeededSequenceNumbers(Recorder recorder, String shardId) {
        List<BigInteger> numbers = new ArrayList<>();
        for (Run run : succeeded(recorder, shardId)) {
            numbers.add(new BigInteger(sequenceNumber(run)));
        }
        return numbers;
    }
}
