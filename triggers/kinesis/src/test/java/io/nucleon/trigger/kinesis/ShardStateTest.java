package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.nucleon.config.BatchConfig;
import io.nucleon.runtime.stream.RecordUnit;
import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * One shard's bookkeeping, driven on the test thread with a made-up clock: what it fetches, what it hands
 * out, and which checkpoint it would save at each step.
 */
class ShardStateTest {

    private static final long POLLING = Duration.ofMillis(500).toNanos();
    private static final BatchConfig BATCH = new BatchConfig(10, Duration.ofMillis(100));

    private long now = 1_000_000_000L;

    @Test
    void shouldFetchAgainOnlyOnceEveryRecordItHoldsIsInAUnit() {
        ShardState shard = reading();
        assertThat(shard.wantsRecords(now)).isTrue();

        shard.fetched(records(1, 3), "next", 5_000, now, POLLING);
        assertThat(shard.wantsRecords(now)).as("three records wait").isFalse();
        RecordUnit<Record> unit = shard.nextUnit(now, null, KinesisPollLoop.MAX_RUN);
        shard.dispatched(unit, now);
        assertThat(shard.wantsRecords(now))
                .as("behind the tip: the next GetRecords overlaps the run")
                .isTrue();

        shard.fetched(records(4, 2), "next", 0, now, POLLING);
        assertThat(shard.nextUnit(now, null, KinesisPollLoop.MAX_RUN))
                .as("one unit at a time")
                .isNull();
        shard.settleLeading(unit, 3);
        shard.unitFinished();
        shard.dispatched(shard.nextUnit(now, null, KinesisPollLoop.MAX_RUN), now);
        assertThat(shard.wantsRecords(now))
                .as("caught up: wait the polling period")
                .isFalse();
        assertThat(shard.wantsRecords(now + POLLING)).isTrue();
    }

    @Test
    void shouldCheckpointTheFinishedRecordsOfARunInFlight() {
        ShardState shard = reading();
        shard.fetched(records(1, 3), "next", 0, now, POLLING);
        RecordUnit<Record> unit = shard.nextUnit(now, null, KinesisPollLoop.MAX_RUN);
        shard.dispatched(unit, now);
        assertThat(shard.checkpointToSave()).isNull();

        unit.handled(0);
        unit.handled(1);
        assertThat(shard.checkpointToSave()).isEqualTo(ShardCheckpoint.after("2"));
        shard.saved(ShardCheckpoint.after("2"));
        assertThat(shard.checkpointToSave()).as("the store has it").isNull();

        unit.handled(2);
        shard.settleLeading(unit, 3);
        shard.unitFinished();
        assertThat(shard.checkpointToSave()).isEqualTo(ShardCheckpoint.after("3"));
    }

    @Test
    void shouldHoldTheCheckpointBeforeAFailedRecordUntilARetrySucceeds() {
        ShardState shard = reading();
        shard.fetched(records(1, 4), "next", 0, now, POLLING);
        RecordUnit<Record> run = shard.nextUnit(now, null, KinesisPollLoop.MAX_RUN);
        shard.dispatched(run, now);
        shard.settleLeading(run, 1); // record 1 done, record 2 failed
        shard.failHead();
        shard.unitFinished();
        shard.retryAt(now + 100);

        assertThat(shard.checkpointToSave()).isEqualTo(ShardCheckpoint.after("1"));
        assertThat(shard.nextUnit(now, null, KinesisPollLoop.MAX_RUN))
                .as("backoff")
                .isNull();
        RecordUnit<Record> retry = shard.nextUnit(now + 100, null, KinesisPollLoop.MAX_RUN);
        assertThat(retry.isRetry()).isTrue();
        assertThat(sequenceNumbers(retry.records())).containsExactly("2");
        assertThat(shard.wantsRecords(now + POLLING))
                .as("nothing more is fetched while a record fails")
                .isFalse();

        shard.dispatched(retry, now + 100);
        shard.failuresResolved();
        shard.unitFinished();
        assertThat(shard.checkpointToSave()).isEqualTo(ShardCheckpoint.after("2"));
        assertThat(sequenceNumbers(
                        shard.nextUnit(now, null, KinesisPollLoop.MAX_RUN).records()))
                .containsExactly("3", "4");
    }

    @Test
    void shouldHoldTheCheckpointBeforeTheFirstRecordABatchReportedAsFailed() {
        ShardState shard = reading();
        shard.fetched(records(1, 4), "next", 0, now, POLLING);
        assertThat(shard.nextUnit(now, BATCH, KinesisPollLoop.MAX_RUN))
                .as("four records wait for more or for the timeout")
                .isNull();
        RecordUnit<Record> batch = shard.nextUnit(now + BATCH.timeout().toNanos(), BATCH, KinesisPollLoop.MAX_RUN);
        shard.dispatched(batch, now);
        shard.settleBatch(batch, List.of(batch.records().get(2)));
        shard.unitFinished();

        assertThat(shard.checkpointToSave()).isEqualTo(ShardCheckpoint.after("2"));
        shard.failuresResolved();
        assertThat(shard.checkpointToSave()).isEqualTo(ShardCheckpoint.after("4"));
    }

    @Test
    void shouldEndOnlyOnceClosedAndEveryRecordIsDone() {
        ShardState shard = reading();
        shard.fetched(records(1, 2), null, 0, now, POLLING);
        assertThat(shard.phase()).isEqualTo(ShardState.Phase.CLOSED);
        assertThat(shard.wantsRecords(now + POLLING))
                .as("nothing left to fetch")
                .isFalse();
        assertThat(shard.readyToEnd()).isFalse();

        RecordUnit<Record> unit = shard.nextUnit(now, null, KinesisPollLoop.MAX_RUN);
        shard.dispatched(unit, now);
        shard.settleLeading(unit, 2);
        shard.unitFinished();
        assertThat(shard.readyToEnd()).isTrue();
        assertThat(shard.endCheckpoint()).isEqualTo(ShardCheckpoint.ended("2"));

        shard.ended(shard.endCheckpoint());
        assertThat(shard.phase()).isEqualTo(ShardState.Phase.ENDED);
        assertThat(shard.checkpointToSave()).isNull();
    }

    @Test
    void shouldRememberWhenALatestStartBeganUntilARecordIsDone() {
        ShardState shard = new ShardState(
                KinesisFixture.shardId(0),
                null,
                null,
                true,
                StartPosition.of(ShardIteratorType.LATEST),
                null,
                "events",
                "orders",
                unit -> {});
        shard.startReading(now);
        shard.iterator("first", 1_700_000_000_000L);
        assertThat(shard.checkpointToSave()).isEqualTo(ShardCheckpoint.startedAt(1_700_000_000_000L));

        shard.fetched(records(1, 1), "next", 0, now, POLLING);
        assertThat(shard.iteratorPosition())
                .as("a new iterator starts after the last record fetched")
                .isEqualTo(StartPosition.afterCheckpoint("1"));
        RecordUnit<Record> unit = shard.nextUnit(now, null, KinesisPollLoop.MAX_RUN);
        shard.dispatched(unit, now);
        shard.settleLeading(unit, 1);
        shard.unitFinished();
        assertThat(shard.checkpointToSave()).isEqualTo(ShardCheckpoint.after("1"));
    }

    @Test
    void shouldBackOffLongerEachTimeItIsThrottled() {
        ShardState shard = reading();
        long max = Duration.ofSeconds(10).toNanos();
        shard.throttled(now, POLLING, max);
        assertThat(shard.fetchDueNanos()).isEqualTo(now + POLLING);
        shard.throttled(now, POLLING, max);
        assertThat(shard.fetchDueNanos()).isEqualTo(now + 2 * POLLING);
        for (int i = 0; i < 10; i++) {
            shard.throttled(now, POLLING, max);
        }
        assertThat(shard.fetchDueNanos()).isEqualTo(now + max);
    }

    @Test
    void shouldShowTheFunctionAReadOnlyViewOfTheRecord() {
        ShardState shard = reading();
        Record record = Record.builder()
                .sequenceNumber("42")
                .partitionKey("customer-7")
                .data(SdkBytes.fromString("hello", StandardCharsets.UTF_8))
                .approximateArrivalTimestamp(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
        KinesisRecordEvent event = new KinesisRecordEvent("events", "orders", shard).point(record, 7);

        assertThat(event.body().isReadOnly()).isTrue();
        assertThat(event.bodyString()).isEqualTo("hello");
        assertThat(event.bodySize()).isEqualTo(5);
        assertThat(StandardCharsets.UTF_8.decode(event.key()).toString()).isEqualTo("customer-7");
        assertThat(event.headers())
                .containsEntry("kinesis-shard-id", "shardId-000000000003")
                .containsEntry("kinesis-sequence-number", "42")
                .containsEntry("kinesis-partition-key", "customer-7")
                .hasSize(3);
        assertThat(event.header("Kinesis-Sequence-Number")).isEqualTo("42");
        assertThat(event.header("content-type")).isNull();
        assertThat(event.partition()).isEqualTo(3);
        assertThat(event.offset()).isEqualTo(-1);
        assertThat(event.topic()).isEqualTo("orders");
        assertThat(event.timestampMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(event.id()).isEqualTo(7);
        assertThat(ShardState.indexOf("not-a-number")).isEqualTo(-1);
    }

    private ShardState reading() {
        ShardState shard = new ShardState(KinesisFixture.shardId(3));
        shard.startReading(now);
        return shard;
    }

    /** Records with sequence numbers first, first + 1, ... */
    private static List<Record> records(int first, int count) {
        List<Record> records = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            records.add(Record.builder()
                    .sequenceNumber(Integer.toString(i))
                    .partitionKey("k" + i)
                    .data(SdkBytes.fromString("v" + i, StandardCharsets.UTF_8))
                    .build());
        }
        return records;
    }

    private static List<String> sequenceNumbers(List<Record> records) {
        return records.stream().map(Record::sequenceNumber).toList();
    }
}
