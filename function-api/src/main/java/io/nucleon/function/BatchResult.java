package io.nucleon.function;

import java.util.Arrays;

/** The outcome of {@link BatchFunction#handleBatch}: all events succeeded, or some listed ones failed. */
public final class BatchResult {

    private static final BatchResult SUCCESS = new BatchResult(new int[0]);

    private final int[] failedIndexes;

    private BatchResult(int[] failedIndexes) {
        this.failedIndexes = failedIndexes;
    }

    /**
     * Every event of the batch succeeded.
     *
     * @return the shared success result
     */
    public static BatchResult success() {
        return SUCCESS;
    }

    /**
     * The events at these positions of the batch failed; all others succeeded.
     *
     * @param indexes positions in the list handed to {@link BatchFunction#handleBatch}
     * @return a result naming the failed events
     * @throws IllegalArgumentException if an index is negative
     */
    public static BatchResult failed(int... indexes) {
        int[] copy = indexes.clone();
        Arrays.sort(copy);
        if (copy.length > 0 && copy[0] < 0) {
            throw new IllegalArgumentException("batch index must not be negative: " + copy[0]);
        }
        return copy.length == 0 ? SUCCESS : new BatchResult(copy);
    }

    /**
     * Whether every event succeeded.
     *
     * @return {@code true} when no event failed
     */
    public boolean allSucceeded() {
        return failedIndexes.length == 0;
    }

    /**
     * The positions of the failed events, sorted ascending.
     *
     * @return a copy of the failed positions; empty when all succeeded
     */
    public int[] failedIndexes() {
        return failedIndexes.clone();
    }
}
