package io.nucleon.function;

import java.util.List;

/**
 * A function that handles a micro-batch of events from a stream trigger (Kafka, Kinesis, ...) in one
 * call, for example to run model inference on many records at once.
 *
 * <p>Triggers configured with {@code batch{batchSize, timeout}} hand up to {@code batchSize} events per
 * call. The function reports which events failed through {@link BatchResult}; only those are retried.
 */
public interface BatchFunction extends Lifecycle {

    /**
     * Handles a batch of events, in the order the trigger received them.
     *
     * @param context the worker's context; valid during this call
     * @param events the events; the list and their body views are valid only until this method returns
     * @return which events succeeded; {@link BatchResult#success()} when all did
     * @throws Exception to report that the whole batch failed
     */
    BatchResult handleBatch(Context context, List<Event> events) throws Exception;
}
