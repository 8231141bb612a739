/**
 * The data path between triggers and functions.
 *
 * <pre>
 *   trigger thread --claim+fill--> [EventSlot ring of a WorkerPool] --poll--> Worker --handle--> Function
 *         ^                                                                      |
 *         +------------------------- EventCompletion <---------------------------+
 * </pre>
 *
 * <p>Slots are preallocated; the free list and the ready queue are Agrona many-to-many array queues, so
 * steady-state dispatch allocates nothing. Any idle worker of the pool takes the next ready slot, so a
 * slow event never holds up events behind it while another worker is free. A slot is answered exactly
 * once (by its worker, or by the {@link io.nucleon.runtime.dispatch.TimeoutWatchdog} for the two
 * timeouts) and recycled when both the trigger and the worker have let go of it.
 */
package io.nucleon.runtime.dispatch;
