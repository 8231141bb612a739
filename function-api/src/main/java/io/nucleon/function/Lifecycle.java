package io.nucleon.function;

/**
 * Lifecycle hooks shared by {@link Function} and {@link BatchFunction}.
 *
 * <p>The processor creates one instance of the handler class per worker, so an instance is only ever
 * called from one thread at a time and may keep state in plain fields.
 */
public interface Lifecycle {

    /**
     * Called once per worker, before the worker's first event. A failure here stops the processor from
     * becoming ready and is reported with the handler's name.
     *
     * @param context the worker's context: logger, worker id, function name, user data
     * @throws Exception to refuse to start
     */
    default void init(InitContext context) throws Exception {}

    /**
     * The drain hook: called on each worker, on the worker's own thread and between events, when a
     * stream trigger is about to give partitions up (a Kafka rebalance), and once more when the processor
     * stops, after the worker's last event and before {@link #close()} (skipped at the stop when a
     * trigger's own drain already ran after that last event). The events concerned have been handled or
     * abandoned by then. Flush what the instance buffers on behalf of those events (a pending producer
     * batch, an open file) so that the next owner of the partitions neither loses nor repeats it; data
     * bindings are still open. The processor waits for a rebalance's hook with a bound ({@code
     * workerTerminationTimeout}).
     *
     * <p>Order for one worker: {@code init}, events (and a {@code drain} per rebalance), {@code drain},
     * {@code close}.
     *
     * @throws Exception logged by the processor; the rebalance or the stop goes on
     */
    default void drain() throws Exception {}

    /**
     * Called once per worker when the processor shuts down, after the worker's last event. Release
     * clients and files here.
     *
     * @throws Exception logged by the processor; shutdown goes on
     */
    default void close() throws Exception {}
}
