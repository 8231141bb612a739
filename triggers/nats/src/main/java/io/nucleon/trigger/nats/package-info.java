/**
 * The NATS triggers, sharing one client: {@code nats} subscribes to core NATS subjects (optionally in a
 * queue group; at most once, with request/reply, local retries, a dead-letter subject and counted
 * slow-consumer drops), and {@code natsjetstream} reads a JetStream durable pull consumer, acknowledging
 * each message after the function succeeded (at least once), handing failures back with a delay, and
 * dead-lettering messages whose attempts are used up. Both deliver through the runtime's {@link
 * io.nucleon.runtime.stream.AckingDispatcher}.
 */
package io.nucleon.trigger.nats;
