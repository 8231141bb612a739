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
}
