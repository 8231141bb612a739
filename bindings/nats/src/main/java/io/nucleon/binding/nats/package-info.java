/**
 * The {@code nats} data binding: one jnats connection per processor, shared by every worker, through which
 * functions publish to core NATS subjects, send requests and publish into JetStream streams ({@link
 * io.nucleon.binding.nats.NatsBinding}). The processor connects it before the first event, the client reconnects
 * by itself after a drop, and the processor closes it at shutdown. See docs/bindings/nats.md.
 */
package io.nucleon.binding.nats;
