package io.nucleon.runtime;

import io.nucleon.config.FunctionConfig;
import io.nucleon.runtime.dispatch.WorkerPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to run one processor.
 *
 * @param config the function's configuration
 * @param classpath jars and directories with the function's classes (empty: the processor's own)
 * @param adminHost the address of the admin endpoint (health, metrics, status)
 * @param adminPort the admin port; 0 picks a free one
 * @param drainTimeout how long shutdown waits for in-flight events
 * @param initTimeout how long all workers' {@code init} may take together
 * @param ringSize event slots per worker pool
 */
public record ProcessorSettings(
        FunctionConfig config,
        List<Path> classpath,
        String adminHost,
        int adminPort,
        Duration drainTimeout,
        Duration initTimeout,
        int ringSize) {

    /** Default admin port: {@value} (Nuclio's health-check port). */
    public static final int DEFAULT_ADMIN_PORT = 8082;

    /** Default drain timeout: with closing (at most ~10 s more) it stays under Kubernetes' 30 s grace period. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);

    /** Default time allowed for all workers' init. */
    public static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(60);

    public ProcessorSettings {
        classpath = List.copyOf(classpath);
    }

    /**
     * Settings with defaults for everything but the function.
     *
     * @param config the function's configuration
     * @param classpath the function's classes
     * @return settings with the default admin port, timeouts and ring size
     */
    public static ProcessorSettings defaults(FunctionConfig config, List<Path> classpath) {
        return new ProcessorSettings(
                config,
                classpath,
                "0.0.0.0",
                DEFAULT_ADMIN_PORT,
                DEFAULT_DRAIN_TIMEOUT,
                DEFAULT_INIT_TIMEOUT,
                WorkerPool.DEFAULT_RING_SIZE);
    }

    /**
     * @param host the admin address
     * @param port the admin port, 0 for any free port
     * @return a copy with another admin address
     */
    public ProcessorSettings withAdmin(String host, int port) {
        return new ProcessorSettings(config, classpath, host, port, drainTimeout, initTimeout, ringSize);
    }

    /**
     * @param timeout how long shutdown waits for in-flight events
     * @return a copy with another drain timeout
     */
    public ProcessorSettings withDrainTimeout(Duration timeout) {
        return new ProcessorSettings(config, classpath, adminHost, adminPort, timeout, initTimeout, ringSize);
    }
}
