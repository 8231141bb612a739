/** A real processor with an HTTP trigger, started in the test's JVM. */
package io.nucleon.testing.processor;
