package io.nucleon.runtime.spi;

/**
 * One configured data binding, owned by the processor: created once at start, checked before the first event,
 * closed at shutdown after every worker has closed its function.
 */
public interface DataBinding extends AutoCloseable {

    /**
     * @return the type functions fetch it as ({@code context.dataBinding(name, type)}); what {@link #forWorker()}
     *     returns is an instance of it
     */
    Class<?> type();

    /**
     * Connects if not yet connected and proves the outside system answers (a ping, a metadata request, a
     * connection from the pool). A failure stops the processor from becoming ready, with the binding's name.
     *
     * @throws Exception when the system cannot be reached or refuses the binding
     */
    void check() throws Exception;

    /**
     * What a worker gets when its function asks for this binding; called once per worker, on the worker's
     * thread, the first time. A thread-safe client is one object shared by all workers.
     *
     * @return an instance of {@link #type()}
     */
    Object forWorker();

    /**
     * @return whether {@link #forWorker()} makes a new object for each worker (a client that is not thread-safe);
     *     such objects that are {@link AutoCloseable} are closed when their worker ends
     */
    default boolean perWorker() {
        return false;
    }

    /**
     * Releases the client. Called once, after every worker ended (or 5 s after they were told to stop); failures are
     * logged and shutdown goes on. It may
     * also be called while {@link #check()} still runs on its own thread (a check past {@code
     * DataBindings.CHECK_TIMEOUT} fails the start): release what that check opens later, too.
     */
    @Override
    void close() throws Exception;
}
