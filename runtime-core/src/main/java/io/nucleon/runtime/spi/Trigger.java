package io.nucleon.runtime.spi;

import java.net.URI;
import java.util.Optional;

/**
 * A source of events: binds or connects in {@link #start()}, hands events to its {@link
 * io.nucleon.runtime.dispatch.EventDispatcher}, and answers or acknowledges them when their outcome is
 * known.
 *
 * <p>Shutdown is in two steps: {@link #stopAccepting()} (take no new events; in-flight ones still get
 * their answer) and, once the processor has seen the workers drain, {@link #close()}.
 */
public interface Trigger extends AutoCloseable {

    /** @return the trigger's name in function.yaml */
    String name();

    /** @return the trigger's kind */
    String kind();

    /**
     * Starts taking events.
     *
     * @throws Exception with a message naming the trigger when it cannot bind or connect
     */
    void start() throws Exception;

    /** Stops taking new events; events already taken are still answered. Idempotent. */
    void stopAccepting();

    /** @return where clients reach this trigger, for triggers that listen */
    default Optional<URI> endpoint() {
        return Optional.empty();
    }

    /**
     * What keeps this trigger from taking events right now, if anything (a broker refusing the consumer,
     * say). {@code /status} shows it and {@code /ready} answers 503 while there is one.
     *
     * @return the problem in one line, or empty when the trigger works
     */
    default Optional<String> problem() {
        return Optional.empty();
    }

    /** Releases sockets, connections and threads. Idempotent. */
    @Override
    void close();
}
