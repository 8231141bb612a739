/** The nats trigger. */
package io.nucleon.trigger.nats;
