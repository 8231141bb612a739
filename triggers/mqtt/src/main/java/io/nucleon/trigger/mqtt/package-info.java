/** The mqtt trigger. */
package io.nucleon.trigger.mqtt;
