package io.nucleon.function;

/**
 * What a worker knows about itself: handed to {@link Lifecycle#init} and, as part of {@link Context},
 * to every event.
 */
public interface InitContext {

    /**
     * The function's logger; its lines carry the function name and worker id.
     *
     * @return the logger of this worker
     */
    Logger logger();

    /**
     * The index of this worker within its worker pool, from 0.
     *
     * @return the worker id
     */
    int workerId();

    /**
     * The function's name, from {@code metadata.name} in function.yaml.
     *
     * @return the function name
     */
    String functionName();

    /**
     * A configuration value: the function's {@code spec.env} entry of that name in function.yaml, else the
     * processor's environment variable of that name.
     *
     * @param name the variable name
     * @return its value, or {@code null} when neither has it
     */
    String env(String name);

    /**
     * Per-worker user data: whatever this worker's function instance stored with {@link
     * #userData(Object)}, or {@code null}. Not shared between workers, so no locking is needed.
     *
     * @param <T> the type the caller expects
     * @return the stored object, or {@code null}
     * @throws ClassCastException if the stored object is not a {@code T}
     */
    <T> T userData();

    /**
     * Stores per-worker user data, replacing what was stored before.
     *
     * @param value the object to keep for this worker; may be {@code null}
     */
    void userData(Object value);

    /**
     * The context cache: bounded, with time-to-live, shared by all workers of this processor ({@code spec.cache}).
     *
     * @return the cache
     */
    ContextCache cache();

    /**
     * The function's own metrics, published on {@code /metrics} with the function's tags.
     *
     * @return the metrics view
     */
    FunctionMetrics metrics();

    /**
     * A data binding declared in {@code spec.dataBindings}: a client to an outside system that the processor
     * connected and checked before the first event and closes at shutdown. Fetch it in {@link Lifecycle#init} and
     * keep it in a field. Bindings whose client is not thread-safe (a RabbitMQ channel) give each worker its own.
     *
     * <pre>{@code
     * KafkaProducerBinding orders = context.dataBinding("orders", KafkaProducerBinding.class);
     * }</pre>
     *
     * @param <T> the binding's type
     * @param name the binding's key in {@code spec.dataBindings}
     * @param type the binding's type, as its kind's documentation names it
     * @return the binding
     * @throws IllegalArgumentException when no binding has that name, or it is of another type (the message says
     *     which bindings there are and what type this one has)
     */
    <T> T dataBinding(String name, Class<T> type);
}
