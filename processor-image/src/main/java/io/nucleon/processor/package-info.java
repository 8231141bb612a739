/** The {@code nucleon-processor} command: runs one function from its function.yaml until SIGTERM. */
package io.nucleon.processor;
