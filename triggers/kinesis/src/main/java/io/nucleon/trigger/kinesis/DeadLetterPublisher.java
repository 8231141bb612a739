package io.nucleon.trigger.kinesis;

import io.nucleon.runtime.stream.DeadLetterSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordRequest;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Puts records whose attempts are used up to the dead-letter stream: the original data with the original
 * partition key, one PutRecord each, in order ({@code SequenceNumberForOrdering} chains them). Kinesis
 * records carry no headers, so why a record was dead-lettered (error, shard, sequence number, attempts)
 * goes to the log, not to the stream.
 *
 * <p>The shard waits for Kinesis's acknowledgement before it checkpoints past the record, so a
 * dead-lettered record is never lost. Puts run on the publisher's own thread: a stream that does not exist
 * or an endpoint that is away never blocks the poll thread, so other shards go on.
 */
final class DeadLetterPublisher implements DeadLetterSink<Record>, AutoCloseable {

    private final KinesisClient client;
    private final String streamName;
    private final ExecutorService sender;

    DeadLetterPublisher(KinesisClient client, String streamName, String triggerName) {
        this.client = client;
        this.streamName = streamName;
        this.sender = Executors.newSingleThreadExecutor(Thread.ofPlatform()
                .name("nucleon-kinesis-" + triggerName + "-dlq")
                .daemon(true)
                .factory());
    }

    @Override
    public String destination() {
        return streamName;
    }

    @Override
    public String describeFailure(Throwable failure) {
        return "cannot put to the dead-letter stream '" + streamName + "': " + failure;
    }

    /** Kinesis records carry no headers: every dead-lettered record is logged with why. */
    @Override
    public boolean carriesReason() {
        return false;
    }

    /**
     * Puts the records to the dead-letter stream, without blocking the caller. The error and attempts go
     * to the log, not to the stream (see the class comment).
     *
     * @return done when Kinesis has acknowledged every record, or failed with the first error
     */
    @Override
    public CompletableFuture<Void> send(List<Record> records, String errorClass, String error, int attempts) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        sender.execute(() -> {
            try {
                String previous = null;
                for (Record record : records) {
                    PutRecordRequest.Builder put = PutRecordRequest.builder()
                            .streamName(streamName)
                            .partitionKey(record.partitionKey())
                            .data(record.data());
                    if (previous != null) {
                        put.sequenceNumberForOrdering(previous);
                    }
                    previous = client.putRecord(put.build()).sequenceNumber();
                }
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    @Override
    public void close() {
        sender.shutdownNow();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
