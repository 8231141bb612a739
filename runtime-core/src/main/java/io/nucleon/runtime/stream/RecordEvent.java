package io.nucleon.runtime.stream;

import io.nucleon.function.Event;

/**
 * A reusable view of one stream record as the function sees it. A {@link RecordUnit} points one view at
 * each record of a run in turn, or holds one per record of a batch, so nothing is copied per record.
 *
 * @param <R> the record type of the stream (a Kafka {@code ConsumerRecord}, a Kinesis {@code Record})
 */
public interface RecordEvent<R> extends Event {

    /**
     * Points this view at a record.
     *
     * @param record the record to show
     * @param id the event id the dispatcher assigned
     * @return this view
     */
    Event point(R record, long id);
}
