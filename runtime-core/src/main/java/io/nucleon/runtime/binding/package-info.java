/**
 * Data bindings: the clients declared in {@code spec.dataBindings}, created and checked when the processor starts,
 * handed to functions by name and type, and closed at shutdown. Kinds plug in through {@link
 * io.nucleon.runtime.spi.DataBindingFactory}.
 */
package io.nucleon.runtime.binding;
