package io.nucleon.function;

/**
 * A structured logger. Messages are constant strings; variable data goes into key/value pairs, which
 * the processor writes as fields of a JSON log line:
 *
 * <pre>{@code
 * context.logger().info("order stored", "orderId", id, "items", count);
 * }</pre>
 *
 * <p>A {@link Throwable} given as the last key/value argument is logged with its stack trace. Logging
 * on every event costs throughput; prefer metrics for per-event facts.
 */
public interface Logger {

    /**
     * Logs at debug level.
     *
     * @param message a constant message
     * @param keyValues alternating keys (strings) and values
     */
    void debug(String message, Object... keyValues);

    /**
     * Logs at info level.
     *
     * @param message a constant message
     * @param keyValues alternating keys (strings) and values
     */
    void info(String message, Object... keyValues);

    /**
     * Logs at warn level.
     *
     * @param message a constant message
     * @param keyValues alternating keys (strings) and values
     */
    void warn(String message, Object... keyValues);

    /**
     * Logs at error level.
     *
     * @param message a constant message
     * @param keyValues alternating keys (strings) and values; a trailing {@link Throwable} is logged
     *     with its stack trace
     */
    void error(String message, Object... keyValues);

    /**
     * Whether debug messages are written, to skip building expensive arguments.
     *
     * @return {@code true} when debug level is enabled
     */
    boolean isDebugEnabled();
}
