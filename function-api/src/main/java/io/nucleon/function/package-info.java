/**
 * The user contract of Nucleon: what a function implements ({@link io.nucleon.function.Function},
 * {@link io.nucleon.function.BatchFunction}) and what the processor hands it ({@link
 * io.nucleon.function.Event}, {@link io.nucleon.function.Context}).
 *
 * <p>This package has no dependencies, so a function compiles against it alone. It is stable: every
 * public item is documented and changes only in a backwards-compatible way.
 */
package io.nucleon.function;
