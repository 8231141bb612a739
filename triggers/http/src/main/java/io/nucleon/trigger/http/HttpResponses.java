package io.nucleon.trigger.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.nucleon.function.Response;
import io.nucleon.runtime.dispatch.EventSlot;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Turns event outcomes into HTTP responses. Error bodies are one short line, never a stack trace. */
final class HttpResponses {

    private static final int MAX_ERROR_MESSAGE = 200;

    private final String functionName;
    private final long eventTimeoutMs;

    HttpResponses(String functionName, long eventTimeoutMs) {
        this.functionName = functionName;
        this.eventTimeoutMs = eventTimeoutMs;
    }

    FullHttpResponse of(EventSlot slot, long availabilityTimeoutMs) {
        return switch (slot.outcome()) {
            case SUCCESS -> success(slot.response());
            case FUNCTION_ERROR ->
                text(
                        HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        "function '" + functionName + "' failed: " + oneLine(slot.error()));
            case TIMEOUT ->
                text(
                        HttpResponseStatus.GATEWAY_TIMEOUT,
                        "function '" + functionName + "' did not answer within the event timeout (" + eventTimeoutMs
                                + " ms)");
            case NO_WORKER ->
                text(
                        HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "no worker became available within " + availabilityTimeoutMs + " ms");
        };
    }

    static FullHttpResponse success(Response response) {
        FullHttpResponse http = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()),
                Unpooled.wrappedBuffer(response.body().duplicate().rewind())); // whatever its position
        HttpHeaders headers = http.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        Map<String, String> extra = response.headers();
        if (!extra.isEmpty()) { // no iterator for the common case
            for (Map.Entry<String, String> header : extra.entrySet()) {
                headers.set(header.getKey(), header.getValue());
            }
        }
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, response.bodySize());
        return http;
    }

    static FullHttpResponse text(HttpResponseStatus status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        http.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return http;
    }

    /** The exception's type and first message line, at most {@value #MAX_ERROR_MESSAGE} characters. */
    static String oneLine(Throwable error) {
        String message = error.getMessage();
        String text = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        int newline = text.indexOf('\n');
        if (newline >= 0) {
            text = text.substring(0, newline);
        }
        return text.length() > MAX_ERROR_MESSAGE ? text.substring(0, MAX_ERROR_MESSAGE) + "..." : text;
    }
}
