package io.nucleon.trigger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.nucleon.config.BatchConfig;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The bookkeeping that decides what runs next and which offset may be committed. */
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

    private RecordUnit run(long nowNanos) {
        RecordUnit unit = state.nextUnit(nowNanos, null, 3);
        if (unit != null) {
            state.dispatched(unit, nowNanos);
        }
        return unit;
    }

    @Test
    void shouldRunAtMostOneUnitAtATimeInOffsetOrder() {
        fetch(10, 5, 0);

        RecordUnit first = run(0);
        assertThat(first.records()).extracting(ConsumerRecord::offset).containsExactly(10L, 11L, 12L);
        assertThat(run(0)).as("one unit in flight per partition").isNull();

        state.unitFinished();
        state.settleLeading(first, 3);
        RecordUnit second = run(0);
        assertThat(second.records()).extracting(ConsumerRecord::offset).containsExactly(13L, 14L);
        assertThat(state.commitOffset()).isEqualTo(13);
    }

    @Test
    void shouldNeverOfferToCommitPastAFailedRecord() {
        fetch(0, 3, 0);
        RecordUnit unit = run(0);
        state.unitFinished();
        state.settleLeading(unit, 1); // offset 0 done, offset 1 failed
        state.failHead();
        state.retryAt(1_000);

        assertThat(state.commitOffset()).isEqualTo(1);
        assertThat(state.offsetToCommit()).isEqualTo(1);
        assertThat(run(999))
                .as("the retry is not due yet, and offset 2 must wait behind it")
                .isNull();

        RecordUnit retry = run(1_000);
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
        RecordUnit unit = run(0);
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
    void shouldWaitForBatchSizeOrTimeout() {
        long timeout = BATCH.timeout().toNanos();
        fetch(0, 3, 0);
        assertThat(state.nextUnit(timeout - 1, BATCH, 3))
                .as("3 < batchSize, timeout not reached")
                .isNull();
        assertThat(state.batchDueNanos(BATCH)).isEqualTo(timeout);
        assertThat(state.nextUnit(timeout, BATCH, 3).size()).isEqualTo(3);

        fetch(3, 6, timeout);
        RecordUnit full = state.nextUnit(timeout, BATCH, 3);
        assertThat(full.isBatch()).isTrue();
        assertThat(full.size())
                .as("a full batch goes at once, capped at batchSize")
                .isEqualTo(4);
    }

    @Test
    void shouldRetryOnlyTheRecordsABatchReportedAsFailed() {
        fetch(0, 4, 0);
        RecordUnit batch = state.nextUnit(0, BATCH, 3);
        state.dispatched(batch, 0);
        state.unitFinished();
        state.settleBatch(batch, List.of(batch.records().get(1), batch.records().get(3)));

        assertThat(state.commitOffset()).as("below the first failed record").isEqualTo(1);
        RecordUnit retry = state.nextUnit(0, BATCH, 3);
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
        RecordUnit unit = run(0);
        state.revoke();

        assertThat(unit.stopRequested()).isTrue();
        state.unitFinished();
        assertThat(run(0)).isNull();
        assertThat(state.busy()).isFalse();
    }

    @Test
    void shouldCountTheFinishedRecordsOfARunInFlightForCommits() {
        fetch(10, 5, 0);
        RecordUnit unit = run(0);
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
