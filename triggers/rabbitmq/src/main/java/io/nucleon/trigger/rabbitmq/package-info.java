/** The rabbitmq trigger. */
package io.nucleon.trigger.rabbitmq;
