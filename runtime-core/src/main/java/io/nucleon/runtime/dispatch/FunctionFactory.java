package io.nucleon.runtime.dispatch;

import io.nucleon.function.Function;

/** Makes a fresh function instance for each worker (and for a worker that replaces a stuck one). */
@FunctionalInterface
public interface FunctionFactory {

    /**
     * @return a new, not yet initialised function instance
     * @throws Exception when the handler cannot be instantiated
     */
    Function create() throws Exception;
}
