package io.nucleon.trigger.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits, for each partition, the offset below which every record is done ({@link
 * PartitionState#commitOffset()}): asynchronously every {@code commitInterval}, in one request for all
 * partitions, and synchronously before partitions are given up. Poll thread only; the answers of
 * asynchronous commits also arrive on it (inside {@code poll}).
 */
final class OffsetCommits {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommits.class);

    private final String triggerName;
    private final KafkaTriggerMetrics metrics;

    OffsetCommits(String triggerName, KafkaTriggerMetrics metrics) {
        this.triggerName = triggerName;
        this.metrics = metrics;
    }

    /** Sends what is done and not yet on its way; the answer comes in a later poll. */
    void commitAsync(Consumer<byte[], byte[]> consumer, Collection<PartitionState> states) {
        Map<PartitionState, Long> offsets = new LinkedHashMap<>();
        for (PartitionState state : states) {
            long offset = state.offsetToCommit();
            if (offset >= 0) {
                offsets.put(state, offset);
                state.commitRequested(offset);
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        long sent = System.nanoTime();
        consumer.commitAsync(request(offsets), (committed, error) -> answered(offsets, error, sent));
    }

    /**
     * Commits what is done and waits for the answer, even when an asynchronous commit of the same offset
     * is still on its way (it may yet fail).
     */
    void commitSync(Consumer<byte[], byte[]> consumer, Collection<PartitionState> states, Duration timeout) {
        Map<PartitionState, Long> offsets = new LinkedHashMap<>();
        for (PartitionState state : states) {
            long offset = state.offsetToCommitNow();
            if (offset >= 0) {
                offsets.put(state, offset);
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        long sent = System.nanoTime();
        try {
            consumer.commitSync(request(offsets), timeout);
            answered(offsets, null, sent);
        } catch (KafkaException e) {
            answered(offsets, e, sent);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> request(Map<PartitionState, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> request = new LinkedHashMap<>();
        offsets.forEach((state, offset) -> request.put(state.topicPartition(), new OffsetAndMetadata(offset)));
        return request;
    }

    /** The states are the ones the commit was for: a partition given up and taken again has a new one. */
    private void answered(Map<PartitionState, Long> offsets, Exception error, long sentNanos) {
        metrics.commitLatency(System.nanoTime() - sentNanos);
        offsets.forEach((state, offset) -> {
            if (error == null) {
                state.commitSucceeded(offset);
            } else {
                state.commitFailed();
            }
        });
        if (error == null) {
            return;
        }
        metrics.commitFailed();
        if (error instanceof RebalanceInProgressException) {
            return; // expected while the group rebalances; the revoke commits synchronously
        }
        LOG.atWarn()
                .setMessage("offset commit failed; the next commit carries these offsets again")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("partitions", request(offsets).keySet().toString())
                .addKeyValue("error", error.toString())
                .log();
    }
}
