package io.nucleon.runtime;

import io.nucleon.config.FunctionConfig;
import io.nucleon.runtime.dispatch.WorkerPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param adminToken when present, every admin path but {@code /live} and {@code /ready} requires
 *     {@code Authorization: Bearer <token>}
 */
public record ProcessorSettings(
        FunctionConfig config,
        List<Path> classpath,
        String adminHost,
        int adminPort,
        Duration drainTimeout,
        Duration initTimeout,
        int ringSize,
        Optional<String> adminToken) {

    /** Default admin port: {@value} (Nuclio's health-check port). */
    public static final int DEFAULT_ADMIN_PORT = 8082;

    /** Default drain timeout: with closing (at most ~10 s more) it stays under Kubernetes' 30 s grace period. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);

    /** Default time allowed for all workers' init. */
    public static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(60);

    public ProcessorSettings {
        classpath = List.copyOf(classpath);
        Objects.requireNonNull(adminToken, "adminToken");
        if (adminToken.isPresent() && adminToken.get().isBlank()) {
            throw new IllegalArgumentException("the admin token must not be blank");
        }
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
                WorkerPool.DEFAULT_RING_SIZE,
                Optional.empty());
    }

    /**
     * @param host the admin address
     * @param port the admin port, 0 for any free port
     * @return a copy with another admin address
     */
    public ProcessorSettings withAdmin(String host, int port) {
        return new ProcessorSettings(config, classpath, host, port, drainTimeout, initTimeout, ringSize, adminToken);
    }

    /**
     * @param timeout how long shutdown waits for in-flight events
     * @return a copy with another drain timeout
     */
    public ProcessorSettings withDrainTimeout(Duration timeout) {
        return new ProcessorSettings(
                config, classpath, adminHost, adminPort, timeout, initTimeout, ringSize, adminToken);
    }

    /**
     * @param token the bearer token the admin endpoint requires on every path but {@code /live} and
     *     {@code /ready}; not blank
     * @return a copy that protects the admin endpoint with {@code token}
     */
    public ProcessorSettings withAdminToken(String token) {
        return new ProcessorSettings(
                config, classpath, adminHost, adminPort, drainTimeout, initTimeout, ringSize, Optional.of(token));
    }
}
