package io.nucleon.function;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A function's answer: status, content type, headers and body. Immutable, so a function may build a
 * response once and return the same instance for every event.
 *
 * <pre>{@code
 * Response.ok("hello");
 * Response.builder().status(201).contentType("application/json").header("Location", "/orders/7")
 *         .body("{\"id\":7}").build();
 * }</pre>
 */
public final class Response {

    /** The content type used when none is set: {@value}. */
    public static final String DEFAULT_CONTENT_TYPE = "text/plain; charset=utf-8";

    private static final Response NO_CONTENT = builder().status(204).build();

    private final int status;
    private final String contentType;
    private final Map<String, String> headers;
    private final ByteBuffer body;

    private Response(Builder builder) {
        this.status = builder.status;
        this.contentType = builder.contentType;
        this.headers = Map.copyOf(builder.headers);
        this.body = ByteBuffer.wrap(builder.body).asReadOnlyBuffer();
    }

    /**
     * A 200 response with a UTF-8 text body.
     *
     * @param body the text
     * @return the response
     */
    public static Response ok(String body) {
        return builder().body(body).build();
    }

    /**
     * A 200 response with a binary body.
     *
     * @param body the bytes; copied
     * @param contentType the body's media type
     * @return the response
     */
    public static Response ok(byte[] body, String contentType) {
        return builder().body(body).contentType(contentType).build();
    }

    /**
     * A response with the given status and a UTF-8 text body.
     *
     * @param status the HTTP status code (100-599)
     * @param body the text
     * @return the response
     */
    public static Response of(int status, String body) {
        return builder().status(status).body(body).build();
    }

    /**
     * A 204 response without a body.
     *
     * @return the shared no-content response
     */
    public static Response noContent() {
        return NO_CONTENT;
    }

    /**
     * Starts building a response: status 200, {@link #DEFAULT_CONTENT_TYPE}, no headers, empty body.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The status code. Stream triggers treat 2xx/3xx as success and anything else as failure.
     *
     * @return the status code
     */
    public int status() {
        return status;
    }

    /**
     * The body's media type.
     *
     * @return the content type
     */
    public String contentType() {
        return contentType;
    }

    /**
     * Extra headers to send with the response.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The body as a read-only buffer. The same buffer object is returned on every call so that sending
     * a cached response allocates nothing: call {@code duplicate()} before moving its position.
     *
     * @return the read-only body, positioned at 0
     */
    public ByteBuffer body() {
        return body;
    }

    /**
     * The body's size in bytes.
     *
     * @return the body size
     */
    public int bodySize() {
        return body.limit();
    }

    @Override
    public String toString() {
        return "Response[status=" + status + ", contentType=" + contentType + ", bodySize=" + bodySize() + "]";
    }

    /** Builds a {@link Response}. Not thread-safe; build once and share the result. */
    public static final class Builder {
        private int status = 200;
        private String contentType = DEFAULT_CONTENT_TYPE;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private byte[] body = new byte[0];

        private Builder() {}

        /**
         * Sets the status code.
         *
         * @param status a final HTTP status code, 200-599 (1xx codes are the server's, not a function's)
         * @return this builder
         * @throws IllegalArgumentException outside 200-599
         */
        public Builder status(int status) {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status must be 200-599, got " + status);
            }
            this.status = status;
            return this;
        }

        /**
         * Sets the body's media type.
         *
         * @param contentType the media type, e.g. {@code application/json}
         * @return this builder
         */
        public Builder contentType(String contentType) {
            this.contentType = Objects.requireNonNull(contentType, "contentType");
            return this;
        }

        /**
         * Adds a header, replacing an earlier one of the same name.
         *
         * @param name the header name: letters, digits and {@code !#$%&'*+-.^_`|~}
         * @param value the header value, without line breaks
         * @return this builder
         * @throws IllegalArgumentException when the name or value could not be sent as an HTTP header
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
                throw new IllegalArgumentException("invalid header name: '" + name + "'");
            }
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header '" + name + "': value must not contain line breaks");
            }
            headers.put(name, value);
            return this;
        }

        private static boolean isTokenChar(int c) {
            return (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }

        /**
         * Sets a UTF-8 text body.
         *
         * @param text the body text
         * @return this builder
         */
        public Builder body(String text) {
            this.body = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /**
         * Sets a binary body.
         *
         * @param bytes the body; copied
         * @return this builder
         */
        public Builder body(byte[] bytes) {
            this.body = bytes.clone();
            return this;
        }

        /**
         * Builds the immutable response.
         *
         * @return the response
         */
        public Response build() {
            return new Response(this);
        }
    }
}
