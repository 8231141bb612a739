package io.nucleon.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nucleon.config.BatchConfig;
import io.nucleon.function.Event;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bookkeeping that decides what runs next and how far the source is done. */
class OrderedSourceTest {

    private static final BatchConfig BATCH = new BatchConfig(4, Duration.ofMillis(100));

    private final TestSource source = new TestSource();

    private RecordUnit<TestSource.Rec> run(long nowNanos) {
        RecordUnit<TestSource.Rec> unit = source.nextUnit(nowNanos, null, 3);
        if (unit != null) {
            source.dispatched(unit, nowNanos);
        }
        return unit;
    }

    private static List<Long> offsets(List<TestSource.Rec> records) {
        return records.stream().map(TestSource.Rec::offset).toList();
    }

    @Test
    void shouldRunAtMostOneUnitAtATimeInOrder() {
        source.fetch(10, 5, 0);

        RecordUnit<TestSource.Rec> first = run(0);
        assertThat(offsets(first.records())).containsExactly(10L, 11L, 12L);
        assertThat(run(0)).as("one unit in flight per source").isNull();

        source.unitFinished();
        source.settleLeading(first, 3);
        assertThat(source.lastSettled().offset()).isEqualTo(12);
        RecordUnit<TestSource.Rec> second = run(0);
        assertThat(offsets(second.records())).containsExactly(13L, 14L);
    }

    @Test
    void shouldHoldBackTheRecordsBehindAFailedOneUntilItsRetrySucceeds() {
        source.fetch(0, 3, 0);
        RecordUnit<TestSource.Rec> unit = run(0);
        source.unitFinished();
        source.settleLeading(unit, 1); // 0 done, 1 failed
        source.failHead();
        source.retryAt(1_000);

        assertThat(offsets(source.failed())).containsExactly(1L);
        assertThat(source.doneBeforeFailure().offset()).isEqualTo(0);
        assertThat(source.retryDueNanos()).isEqualTo(1_000);
        assertThat(run(999))
                .as("the retry is not due yet, and 2 waits behind it")
                .isNull();

        RecordUnit<TestSource.Rec> retry = run(1_000);
        assertThat(retry.isRetry()).isTrue();
        assertThat(offsets(retry.records())).containsExactly(1L);
        source.unitFinished();
        source.failuresResolved();
        assertThat(source.failed()).isEmpty();
        assertThat(offsets(run(1_000).records())).containsExactly(2L);
    }

    @Test
    void shouldWaitForBatchSizeOrTimeout() {
        long timeout = BATCH.timeout().toNanos();
        source.fetch(0, 3, 0);
        assertThat(source.nextUnit(timeout - 1, BATCH, 3))
                .as("3 < batchSize, timeout not reached")
                .isNull();
        assertThat(source.batchDueNanos(BATCH)).isEqualTo(timeout);
        assertThat(source.nextUnit(timeout, BATCH, 3).size()).isEqualTo(3);

        source.fetch(3, 6, timeout);
        RecordUnit<TestSource.Rec> full = source.nextUnit(timeout, BATCH, 3);
        assertThat(full.isBatch()).isTrue();
        assertThat(full.size())
                .as("a full batch goes at once, capped at batchSize")
                .isEqualTo(4);
    }

    @Test
    void shouldRetryOnlyTheRecordsABatchReportedAsFailed() {
        source.fetch(0, 4, 0);
        RecordUnit<TestSource.Rec> batch = source.nextUnit(0, BATCH, 3);
        source.dispatched(batch, 0);
        source.unitFinished();
        source.settleBatch(
                batch, List.of(batch.records().get(1), batch.records().get(3)));

        assertThat(source.doneBeforeFailure().offset())
                .as("done before the first failure")
                .isEqualTo(0);
        assertThat(source.lastSettled().offset()).isEqualTo(3);
        RecordUnit<TestSource.Rec> retry = source.nextUnit(0, BATCH, 3);
        assertThat(offsets(retry.records())).containsExactly(1L, 3L);

        source.dispatched(retry, 0);
        source.unitFinished();
        source.failedAgain(List.of(retry.records().get(1)));
        assertThat(source.failures()).isEqualTo(2);
        assertThat(offsets(source.failed())).containsExactly(3L);

        source.failuresResolved();
        assertThat(source.holdsNothing()).isTrue();
    }

    @Test
    void shouldCountTheFinishedRecordsOfARunInFlight() {
        source.fetch(10, 5, 0);
        RecordUnit<TestSource.Rec> unit = run(0);
        assertThat(source.lastHandledInFlight()).as("nothing finished yet").isNull();

        unit.started(0);
        unit.handled(0);
        unit.started(1);
        unit.handled(1);
        unit.started(2); // running, not finished
        assertThat(source.lastHandledInFlight().offset()).isEqualTo(11);
    }

    @Test
    void shouldFetchMoreOnlyOnceEveryRecordItHoldsIsInAUnit() {
        source.fetch(0, 2, 0);
        assertThat(source.holdsWaitingRecords()).isTrue();
        RecordUnit<TestSource.Rec> unit = run(0);
        assertThat(source.holdsWaitingRecords()).isFalse();
        assertThat(source.busy()).isTrue();
        assertThat(source.bufferedCount()).isEqualTo(2);

        source.unitFinished();
        source.settleLeading(unit, 2);
        assertThat(source.holdsNothing()).isTrue();
        assertThat(source.busy()).isFalse();
    }

    @Test
    void shouldWaitForAnAbandonedUnitOfAnEarlierOwner() {
        TestSource earlier = new TestSource();
        earlier.fetch(0, 1, 0);
        RecordUnit<TestSource.Rec> abandoned = earlier.nextUnit(0, null, 3);
        source.fetch(0, 1, 0);
        source.blockedBy(abandoned);

        assertThat(source.nextUnit(0, null, 3)).isNull();
        assertThat(source.lastHandledInFlight()).as("not this source's run").isNull();
        source.unitFinished();
        assertThat(source.nextUnit(0, null, 3)).isNotNull();
    }

    @Test
    void shouldPointOneViewAtEachRecordOfARunAndOneViewPerRecordOfABatch() {
        source.fetch(0, 4, 0);
        RecordUnit<TestSource.Rec> batch = source.nextUnit(BATCH.timeout().toNanos(), BATCH, 3);
        batch.assignIds(100);
        List<Event> events = batch.events();
        assertThat(events).extracting(Event::offset).containsExactly(0L, 1L, 2L, 3L);
        assertThat(events).extracting(Event::id).containsExactly(100L, 101L, 102L, 103L);

        TestSource other = new TestSource();
        other.fetch(7, 2, 0);
        RecordUnit<TestSource.Rec> run = other.nextUnit(0, null, 3);
        run.assignIds(5);
        assertThat(run.event(1).offset()).isEqualTo(8);
        assertThat(run.event(1).id()).isEqualTo(6);
    }
}
