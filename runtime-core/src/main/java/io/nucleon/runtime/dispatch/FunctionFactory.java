package io.nucleon.runtime.dispatch;

import io.nucleon.function.Lifecycle;

/**
 * Makes a fresh function instance for each worker (and for a worker that replaces a stuck one): a {@code
 * Function}, a {@code BatchFunction}, or a class that is both.
 */
@FunctionalInterface
public interface FunctionFactory {

    /**
     * @return a new, not yet initialised function instance
     * @throws Exception when the handler cannot be instantiated
     */
    Lifecycle create() throws Exception;
}
