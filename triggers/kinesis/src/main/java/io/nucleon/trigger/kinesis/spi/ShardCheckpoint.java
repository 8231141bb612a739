package io.nucleon.trigger.kinesis.spi;

import java.util.Objects;

/**
 * What a {@link CheckpointStore} keeps for one shard: where the trigger resumes after a restart. One of
 * three shapes:
 *
 * <ul>
 *   <li>{@link #after(String)}: every record up to this sequence number is done (handled, or sent to the
 *       dead-letter stream); a restart reads {@code AFTER_SEQUENCE_NUMBER} it;
 *   <li>{@link #startedAt(long)}: the trigger began reading the shard at {@code LATEST} at this time and
 *       has finished no record of it yet; a restart reads {@code AT_TIMESTAMP} (a little before) it, so
 *       records put while the processor was down are not skipped;
 *   <li>{@link #ended(String)}: the shard is closed (resharded) and every record of it is done; a
 *       restart does not read it, and its child shards may be read.
 * </ul>
 *
 * Stores that hold strings use {@link #encode()} and {@link #decode(String)}.
 *
 * @param sequenceNumber the last sequence number done, or {@code null}
 * @param startedAtMillis when reading began at {@code LATEST} (epoch millis), or -1
 * @param ended whether the shard is finished
 */
public record ShardCheckpoint(String sequenceNumber, long startedAtMillis, boolean ended) {

    private static final String SEQUENCE = "seq:";
    private static final String STARTED_AT = "at:";
    private static final String ENDED = "ended";

    public ShardCheckpoint {
        if (sequenceNumber != null && !isSequenceNumber(sequenceNumber)) {
            throw new IllegalArgumentException("not a Kinesis sequence number: '" + sequenceNumber + "'");
        }
    }

    /**
     * @param sequenceNumber the last sequence number done
     * @return a checkpoint that resumes after it
     */
    public static ShardCheckpoint after(String sequenceNumber) {
        return new ShardCheckpoint(Objects.requireNonNull(sequenceNumber, "sequenceNumber"), -1, false);
    }

    /**
     * @param epochMillis when the trigger began reading the shard at {@code LATEST}
     * @return a checkpoint that resumes at that time
     */
    public static ShardCheckpoint startedAt(long epochMillis) {
        return new ShardCheckpoint(null, epochMillis, false);
    }

    /**
     * @param lastSequenceNumber the shard's last sequence number done, or {@code null} when it had none
     * @return a checkpoint that marks the shard finished
     */
    public static ShardCheckpoint ended(String lastSequenceNumber) {
        return new ShardCheckpoint(lastSequenceNumber, -1, true);
    }

    /**
     * @return {@code seq:<n>}, {@code at:<millis>}, {@code ended} or {@code ended:<n>}
     */
    public String encode() {
        if (ended) {
            return sequenceNumber == null ? ENDED : ENDED + ":" + sequenceNumber;
        }
        return sequenceNumber != null ? SEQUENCE + sequenceNumber : STARTED_AT + startedAtMillis;
    }

    /**
     * Reads what {@link #encode()} wrote.
     *
     * @param text the stored form
     * @return the checkpoint
     * @throws IllegalArgumentException naming the text when it is not a checkpoint
     */
    public static ShardCheckpoint decode(String text) {
        try {
            if (text.equals(ENDED)) {
                return ended(null);
            }
            if (text.startsWith(ENDED + ":")) {
                return ended(text.substring(ENDED.length() + 1));
            }
            if (text.startsWith(SEQUENCE)) {
                return after(text.substring(SEQUENCE.length()));
            }
            if (text.startsWith(STARTED_AT)) {
                return startedAt(Long.parseLong(text.substring(STARTED_AT.length())));
            }
        } catch (IllegalArgumentException e) {
            // reported below, with the whole text
        }
        throw new IllegalArgumentException("not a shard checkpoint: '" + text + "' (expected seq:<sequence number>, "
                + "at:<epoch millis>, ended or ended:<sequence number>)");
    }

    private static boolean isSequenceNumber(String text) {
        if (text.isEmpty() || text.length() > 128) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
