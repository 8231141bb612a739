package io.nucleon.runtime.dispatch;

import io.nucleon.function.Logger;
import io.nucleon.runtime.state.FunctionServices;
import java.time.Duration;
import java.util.Map;
import java.util.function.IntFunction;
import org.agrona.concurrent.NanoClock;

/**
 * What a {@link WorkerPool} runs and how large it is.
 *
 * @param name the pool's name: the {@code workerAllocatorName}, or the trigger's name
 * @param functionName the function's name, for logs and metrics
 * @param numWorkers how many workers (threads, each with its own function instance)
 * @param ringSize how many events may be queued or running at once
 * @param eventTimeout how long one event may run
 * @param functionFactory makes one function instance per worker
 * @param loggers makes the function logger for a worker index
 * @param functionClassLoader the class loader of the handler, set as the workers' context class loader
 * @param clock the time source for timeouts
 * @param env the function's {@code spec.env}, readable through {@code InitContext.env}
 * @param services the context cache, metrics and data bindings the workers' contexts hand out
 */
public record WorkerPoolSettings(
        String name,
        String functionName,
        int numWorkers,
        int ringSize,
        Duration eventTimeout,
        FunctionFactory functionFactory,
        IntFunction<Logger> loggers,
        ClassLoader functionClassLoader,
        NanoClock clock,
        Map<String, String> env,
        FunctionServices services) {

    /** Settings with an empty {@code spec.env} and {@link FunctionServices#standalone standalone} services. */
    public WorkerPoolSettings(
            String name,
            String functionName,
            int numWorkers,
            int ringSize,
            Duration eventTimeout,
            FunctionFactory functionFactory,
            IntFunction<Logger> loggers,
            ClassLoader functionClassLoader,
            NanoClock clock) {
        this(
                name,
                functionName,
                numWorkers,
                ringSize,
                eventTimeout,
                functionFactory,
                loggers,
                functionClassLoader,
                clock,
                Map.of(),
                FunctionServices.standalone(functionName));
    }

    public WorkerPoolSettings {
        env = Map.copyOf(env);
        if (numWorkers < 1) {
            throw new IllegalArgumentException("numWorkers must be at least 1, got " + numWorkers);
        }
        if (ringSize < numWorkers) {
            throw new IllegalArgumentException("ringSize must be at least numWorkers, got " + ringSize);
        }
    }
}
