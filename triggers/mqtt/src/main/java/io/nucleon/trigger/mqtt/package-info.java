/**
 * The {@code mqtt} trigger (MQTT 3.1.1 on Eclipse Paho): one connection with a persistent session,
 * subscribed to topic filters; QoS 1 and 2 messages are acknowledged only after the function succeeded
 * (at-least-once), failures are retried with backoff and then published to a dead-letter topic, and the
 * connection is re-established (and the subscriptions remade when the broker lost the session) after an
 * outage. QoS 0 messages are at-most-once.
 */
package io.nucleon.trigger.mqtt;
