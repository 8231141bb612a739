package io.nucleon.trigger.cron;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every tick of one trigger carries: the {@code event} attribute. Built once; each tick only
 * adds its sequence number, so a tick copies nothing.
 */
final class CronEventTemplate {

    static final CronEventTemplate EMPTY = new CronEventTemplate("", Map.of(), "", "");

    private final ByteBuffer body;
    private final Map<String, String> headers;
    private final String contentType;
    private final String path;
    private final String method;

    /**
     * @param body the body, sent as UTF-8
     * @param headers header names to values; names are looked up without case, like HTTP's, so no two
     *     may differ only in case
     * @param path what {@code Event.path()} answers
     * @param method what {@code Event.method()} answers
     */
    CronEventTemplate(String body, Map<String, String> headers, String path, String method) {
        this.body = ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
        TreeMap<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        this.headers = Collections.unmodifiableMap(byName);
        String type = byName.get("Content-Type");
        this.contentType = type == null ? "" : type;
        this.path = path;
        this.method = method;
    }

    /** @return a new read-only view of the body, for one pooled tick to reuse */
    ByteBuffer newBodyView() {
        return body.duplicate();
    }

    int bodySize() {
        return body.capacity();
    }

    String header(String name) {
        return name == null ? null : headers.get(name);
    }

    Map<String, String> headers() {
        return headers;
    }

    String contentType() {
        return contentType;
    }

    String path() {
        return path;
    }

    String method() {
        return method;
    }
}
