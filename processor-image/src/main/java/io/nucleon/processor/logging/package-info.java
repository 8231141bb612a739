/** Structured (JSON lines) logging for the processor. */
package io.nucleon.processor.logging;
