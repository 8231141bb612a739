/**
 * What functions share beyond their own instance: the context cache (Caffeine) and the function's own metrics
 * (Micrometer), both one per processor, and the bundle of them with the data bindings that each worker's context
 * hands out.
 */
package io.nucleon.runtime.state;
