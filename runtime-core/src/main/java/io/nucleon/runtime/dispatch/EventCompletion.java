package io.nucleon.runtime.dispatch;

/**
 * Told once per event that its outcome is known. Called on the worker thread, or on the watchdog thread
 * for timeouts: implementations hand off to their own thread and return at once. After reading the
 * outcome, the trigger calls {@link EventSlot#release()}.
 */
@FunctionalInterface
public interface EventCompletion {

    /**
     * The event's outcome is ready to read from the slot.
     *
     * @param slot the answered slot
     */
    void onComplete(EventSlot slot);
}
