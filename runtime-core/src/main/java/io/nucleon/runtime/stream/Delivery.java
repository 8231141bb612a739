package io.nucleon.runtime.stream;

/**
 * A broker message on its way through an {@link AckingDispatcher}, with the failures seen so far.
 *
 * @param <M> the trigger's message type
 */
final class Delivery<M> {

    final M message;
    int failures;
    String errorClass;
    String error;
    /** Set when a run timed out: settle once the stuck worker has let go of the message. */
    volatile boolean settleWhenReleased;

    Delivery(M message) {
        this.message = message;
    }
}
