/** The kinesis trigger. */
package io.nucleon.trigger.kinesis;
