package io.nucleon.runtime.dispatch;

/** How an event ended. Triggers map it onto their protocol: HTTP status, commit or retry, ack or nak. */
public enum EventOutcome {
    /** The function returned a response. */
    SUCCESS,
    /** The function threw, or returned nothing. */
    FUNCTION_ERROR,
    /** The function ran past {@code spec.eventTimeout}; its worker was replaced. */
    TIMEOUT,
    /** No worker took the event within {@code workerAvailabilityTimeoutMilliseconds}; the function never ran. */
    NO_WORKER
}
