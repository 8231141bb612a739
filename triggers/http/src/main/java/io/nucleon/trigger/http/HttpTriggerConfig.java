package io.nucleon.trigger.http;

import io.nucleon.config.ConfigNode;
import java.util.List;

/**
 * The {@code attributes} of an {@code http} trigger.
 *
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param maxRequestBodySize larger bodies are answered with 413
 * @param maxInitialLineLength longer request lines are answered with 400
 * @param maxHeaderSize larger header blocks are answered with 400
 * @param maxPipelinedRequests requests one connection may have in flight before reading pauses
 * @param eventLoopThreads Netty I/O threads; 0 for one per CPU
 * @param reusePort whether to listen with {@code SO_REUSEPORT}, so that another processor can listen on the
 *     same port at the same time (for replacing one without downtime); needs the epoll transport (Linux)
 */
public record HttpTriggerConfig(
        String host,
        int port,
        int maxRequestBodySize,
        int maxInitialLineLength,
        int maxHeaderSize,
        int maxPipelinedRequests,
        int eventLoopThreads,
        boolean reusePort) {

    /** Default {@code port}: {@value}. */
    public static final int DEFAULT_PORT = 8080;
    /** Default {@code host}: every interface. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** Default {@code maxRequestBodySize}: 4 MiB. */
    public static final int DEFAULT_MAX_REQUEST_BODY_SIZE = 4 * 1024 * 1024;
    /** Default {@code maxInitialLineLength}: {@value} bytes. */
    public static final int DEFAULT_MAX_INITIAL_LINE_LENGTH = 4096;
    /** Default {@code maxHeaderSize}: {@value} bytes. */
    public static final int DEFAULT_MAX_HEADER_SIZE = 8192;
    /** Default {@code maxPipelinedRequests}: {@value}. */
    public static final int DEFAULT_MAX_PIPELINED_REQUESTS = 64;
    /**
     * The codec's own limit of decoded, unanswered requests per connection. Reading pauses at {@code
     * maxPipelinedRequests}, but what one read already holds is still decoded, hence the head room.
     */
    static final int MAX_PIPELINE_DEPTH = 1024;

    /** Attributes read here, plus Nuclio's {@code ingresses} and {@code serviceType}, which only the Kubernetes platform uses. */
    static final List<String> ATTRIBUTES = List.of(
            "host",
            "port",
            "maxRequestBodySize",
            "maxInitialLineLength",
            "maxHeaderSize",
            "maxPipelinedRequests",
            "eventLoopThreads",
            "reusePort",
            "ingresses",
            "serviceType");

    /**
     * Reads and validates the attributes.
     *
     * @param attributes the trigger's {@code attributes} mapping
     * @return the configuration
     * @throws io.nucleon.config.ConfigException naming the bad attribute and its line
     */
    public static HttpTriggerConfig from(ConfigNode attributes) {
        attributes.rejectUnknown(ATTRIBUTES);
        return new HttpTriggerConfig(
                attributes.string("host", DEFAULT_HOST),
                attributes.integer("port", DEFAULT_PORT, 0, 65535),
                (int) attributes.sizeBytes(
                        "maxRequestBodySize", DEFAULT_MAX_REQUEST_BODY_SIZE, 0, Integer.MAX_VALUE - 8),
                attributes.integer("maxInitialLineLength", DEFAULT_MAX_INITIAL_LINE_LENGTH, 64, 1 << 20),
                attributes.integer("maxHeaderSize", DEFAULT_MAX_HEADER_SIZE, 256, 1 << 20),
                attributes.integer("maxPipelinedRequests", DEFAULT_MAX_PIPELINED_REQUESTS, 1, 256),
                attributes.integer("eventLoopThreads", 0, 0, 1024),
                attributes.bool("reusePort", false));
    }
}
