package io.nucleon.trigger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.nucleon.config.BatchConfig;
import io.nucleon.runtime.stream.RecordUnit;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Which offset a partition may commit, and how it is given up. What runs next is {@code OrderedSource}'s,
 * tested in runtime-core.
 */
class PartitionStateTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final BatchConfig BATCH = new BatchConfig(4, Duration.ofMillis(100));

    private final PartitionState state = new PartitionState(TP);

    private void fetch(long fromOffset, int count, long nowNanos) {
        for (long offset = fromOffset; offset < fromOffset + count; offset++) {
            state.fetched(
                    new ConsumerRecord<>(TP.topic(), TP.partition(), offset, null, ("v" + offset).getBytes()),
                    nowNanos);
        }
    }

    private RecordUnit<ConsumerRecord<byte[], byte[]>> run(long nowNanos) {
        RecordUnit<ConsumerRecord<byte[], byte[]>> unit = state.nextUnit(nowNanos, null, 3);
        if (unit != null) {
            state.dispatched(unit, nowNanos);
        }
        return unit;
    }

    @Test
    void shouldCommitWhatRunsFinishedInOffsetOrder() {
        fetch(10, 5, 0);
        RecordUnit<ConsumerRecord<byte[], byte[]>> first = run(0);
        state.unitFinished();
        state.settleLeading(first, 3);
        assertThat(state.commitOffset()).isEqualTo(13);
        run(0);
        assertThat(state.commitOffset())
                .as("the next run has finished nothing yet")
                .isEqualTo(13);
    }

    @Test
    void shouldNeverOfferToCommitPastAFailedRecord() {
        fetch(0, 3, 0);
        RecordUnit<ConsumerRecord<byte[], byte[]>> unit = run(0);
        state.unitFinished();
        state.settleLeading(unit, 1); // offset 0 done, offset 1 failed
        state.failHead();
        state.retryAt(1_000);

        assertThat(state.commitOffset()).isEqualTo(1);
        assertThat(state.offsetToCommit()).isEqualTo(1);
        assertThat(run(999))
                .as("the retry is not due yet, and offset 2 must wait behind it")
                .isNull();

        RecordUnit<ConsumerRecord<byte[], byte[]>> retry = run(1_000);
        assertThat(retry.isRetry()).isTrue();
        assertThat(retry.records()).extracting(ConsumerRecord::offset).containsExactly(1L);
        state.unitFinished();
        state.failuresResolved();
        assertThat(state.commitOffset()).isEqualTo(2);
        assertThat(run(1_000).records()).extracting(ConsumerRecord::offset).containsExactly(2L);
    }

    @Test
    void shouldCommitOnlyWhatTheBrokerDoesNotHaveYet() {
        fetch(0, 2, 0);
        RecordUnit<ConsumerRecord<byte[], byte[]>> unit = run(0);
        state.unitFinished();
        state.settleLeading(unit, 2);

        assertThat(state.offsetToCommit()).isEqualTo(2);
        state.commitRequested(2);
        assertThat(state.offsetToCommit()).as("on its way").isEqualTo(-1);
        state.commitFailed();
        assertThat(state.offsetToCommit())
                .as("sent again after a failed commit")
                .isEqualTo(2);
        state.commitRequested(2);
        state.commitSucceeded(2);
        assertThat(state.offsetToCommit()).isEqualTo(-1);
    }

    @Test
    void shouldCommitBelowTheFirstRecordABatchReportedAsFailed() {
        fetch(0, 4, 0);
        RecordUnit<ConsumerRecord<byte[], byte[]>> batch = state.nextUnit(0, BATCH, 3);
        state.dispatched(batch, 0);
        state.unitFinished();
        state.settleBatch(batch, List.of(batch.records().get(1), batch.records().get(3)));

        assertThat(state.commitOffset()).as("below the first failed record").isEqualTo(1);
        RecordUnit<ConsumerRecord<byte[], byte[]>> retry = state.nextUnit(0, BATCH, 3);
        assertThat(retry.records()).extracting(ConsumerRecord::offset).containsExactly(1L, 3L);

        state.dispatched(retry, 0);
        state.unitFinished();
        state.failedAgain(List.of(retry.records().get(1)));
        assertThat(state.failures()).isEqualTo(2);
        assertThat(state.commitOffset()).isEqualTo(3);

        state.failuresResolved();
        assertThat(state.commitOffset()).as("the whole batch is settled").isEqualTo(4);
    }

    @Test
    void shouldStartNothingOnceRevokedAndAskTheRunToStop() {
        fetch(0, 5, 0);
        RecordUnit<ConsumerRecord<byte[], byte[]>> unit = run(0);
        state.revoke();

        assertThat(unit.stopRequested()).isTrue();
        state.unitFinished();
        assertThat(run(0)).isNull();
        assertThat(state.busy()).isFalse();
    }

    @Test
    void shouldCountTheFinishedRecordsOfARunInFlightForCommits() {
        fetch(10, 5, 0);
        RecordUnit<ConsumerRecord<byte[], byte[]>> unit = run(0);
        assertThat(state.commitOffset()).as("nothing finished yet").isEqualTo(-1);

        unit.started(0);
        unit.handled(0);
        unit.started(1);
        unit.handled(1);
        unit.started(2); // running, not finished
        assertThat(state.commitOffset())
                .as("below the first record not yet finished")
                .isEqualTo(12);
    }
}
