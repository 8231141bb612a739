package io.nucleon.trigger.kafka;

import io.micrometer.core.instrument.Gauge;
import io.nucleon.runtime.stream.OrderedSource;
import io.nucleon.runtime.stream.RecordEvent;
import io.nucleon.runtime.stream.RecordUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * What the trigger knows about one assigned partition. Owned by the poll thread.
 *
 * <p>The records, the unit in flight and the failures are an {@link OrderedSource}'s; a partition adds
 * its offsets, pause and lag. The offset to commit is always "everything below it is done":
 *
 * <pre>
 *   commitOffset = failed.isEmpty() ? max(lastSettled, the run in flight's last finished record) + 1
 *                                   : failed.first.offset
 * </pre>
 */
final class PartitionState extends OrderedSource<ConsumerRecord<byte[], byte[]>> {

    private final TopicPartition topicPartition;
    private final String triggerName;
    private long committed = -1;
    private long commitRequested = -1;
    private boolean paused;
    private boolean revoked;
    private volatile long lag;
    private Gauge lagGauge;

    PartitionState(
            TopicPartition topicPartition,
            String triggerName,
            Consumer<RecordUnit<ConsumerRecord<byte[], byte[]>>> releases) {
        super(releases);
        this.topicPartition = topicPartition;
        this.triggerName = triggerName;
    }

    /** For tests: units report their release nowhere in particular. */
    PartitionState(TopicPartition topicPartition) {
        this(topicPartition, "test", unit -> {});
    }

    /** @return the partition whose records a unit of this trigger holds */
    static PartitionState of(RecordUnit<ConsumerRecord<byte[], byte[]>> unit) {
        return (PartitionState) unit.source();
    }

    TopicPartition topicPartition() {
        return topicPartition;
    }

    @Override
    protected RecordEvent<ConsumerRecord<byte[], byte[]>> newEvent() {
        return new KafkaRecordEvent(triggerName);
    }

    @Override
    public LoggingEventBuilder describe(LoggingEventBuilder line, ConsumerRecord<byte[], byte[]> record) {
        return line.addKeyValue("topic", record.topic())
                .addKeyValue("partition", record.partition())
                .addKeyValue("offset", record.offset());
    }

    @Override
    protected boolean takesUnits() {
        return !revoked;
    }

    // ---- commits --------------------------------------------------------------------------------------

    /**
     * @return the offset below which every record is done, or -1 when nothing is known yet. A run in
     *     flight counts with the records it has finished so far, so a long run does not hold commits back.
     */
    long commitOffset() {
        if (!failed().isEmpty()) {
            return failed().get(0).offset();
        }
        ConsumerRecord<byte[], byte[]> settled = lastSettled();
        long settledUpTo = settled == null ? -1 : settled.offset() + 1;
        ConsumerRecord<byte[], byte[]> running = lastHandledInFlight();
        return running == null ? settledUpTo : Math.max(settledUpTo, running.offset() + 1);
    }

    /** @return the offset to commit now, or -1 when the broker already has it (or it is on its way) */
    long offsetToCommit() {
        long offset = commitOffset();
        return offset > Math.max(committed, commitRequested) ? offset : -1;
    }

    /**
     * @return the offset to commit before letting the partition go, or -1 when the broker has it: unlike
     *     {@link #offsetToCommit()} it does not trust an asynchronous commit still on its way
     */
    long offsetToCommitNow() {
        long offset = commitOffset();
        return offset > committed ? offset : -1;
    }

    void commitRequested(long offset) {
        commitRequested = offset;
    }

    void commitSucceeded(long offset) {
        committed = Math.max(committed, offset);
    }

    void commitFailed() {
        commitRequested = committed;
    }

    // ---- flow control and ownership -------------------------------------------------------------------

    boolean paused() {
        return paused;
    }

    void paused(boolean paused) {
        this.paused = paused;
    }

    boolean revoked() {
        return revoked;
    }

    /** The partition is being given up: nothing new runs; a run in flight stops before its next record. */
    void revoke() {
        revoked = true;
        RecordUnit<ConsumerRecord<byte[], byte[]>> running = inFlight();
        if (running != null) {
            running.requestStop();
        }
    }

    long lag() {
        return lag;
    }

    void lag(long lag) {
        this.lag = lag;
    }

    Gauge lagGauge() {
        return lagGauge;
    }

    void lagGauge(Gauge gauge) {
        this.lagGauge = gauge;
    }
}
