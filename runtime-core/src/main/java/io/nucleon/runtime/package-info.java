/**
 * The processor: turns a function.yaml into running worker pools, triggers and an admin endpoint, and
 * shuts them down gracefully. {@link io.nucleon.runtime.Processor} is the entry point.
 */
package io.nucleon.runtime;
