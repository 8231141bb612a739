/**
 * The plug-in contract for triggers. A trigger module provides a {@link
 * io.nucleon.runtime.spi.TriggerFactory} through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.nucleon.runtime.spi.TriggerFactory}); the processor finds it by the
 * {@code kind} in function.yaml.
 */
package io.nucleon.runtime.spi;
