package io.nucleon.runtime.stream;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a stream trigger sends records whose attempts are used up (a Kafka topic, a Kinesis stream). The
 * source waits for the returned future before it moves past the records, so a dead-lettered record is
 * never lost; {@link RecordOutcomes} polls the future on the poll thread, so a send must not block it.
 *
 * @param <R> the record type of the stream
 */
public interface DeadLetterSink<R> {

    /**
     * Starts sending the records, in order, without blocking the caller.
     *
     * @param records the records, in stream order
     * @param errorClass the last error's class, or {@code "timeout"} / {@code "batch-failure"}
     * @param error the last error's message
     * @param attempts how many times the function ran them
     * @return done when the destination has acknowledged every record, or failed with the first error
     */
    CompletableFuture<Void> send(List<R> records, String errorClass, String error, int attempts);

    /** @return the destination's name, for log lines */
    String destination();

    /**
     * @param failure why the last send failed
     * @return the trigger's problem while sends fail, e.g. "cannot write to the dead-letter topic 'x': ..."
     */
    String describeFailure(Throwable failure);

    /**
     * @return whether the destination keeps why each record is there (Kafka headers). If it does not
     *     (Kinesis), every dead-lettered record is logged with its error; if it does, one line per send
     *     is enough.
     */
    default boolean carriesReason() {
        return true;
    }
}
