/**
 * The {@code http} trigger: a Netty server whose requests become events. Bodies are views over Netty's
 * buffers; pipelined requests on one connection run on any free workers and are answered in order.
 */
package io.nucleon.trigger.http;
