package io.nucleon.trigger.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.nucleon.runtime.dispatch.EventAdapter;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Reads event fields straight out of Netty's request: the body is a view over its buffer. */
enum HttpEventAdapter implements EventAdapter<FullHttpRequest> {
    INSTANCE;

    @Override
    public ByteBuffer body(FullHttpRequest request) {
        return request.content().nioBuffer().asReadOnlyBuffer();
    }

    @Override
    public int bodySize(FullHttpRequest request) {
        return request.content().readableBytes();
    }

    @Override
    public String contentType(FullHttpRequest request) {
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        return type == null ? "" : type;
    }

    @Override
    public String header(FullHttpRequest request, String name) {
        return request.headers().get(name);
    }

    @Override
    public Map<String, String> headers(FullHttpRequest request) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER); // like header(name)
        request.headers().forEach(entry -> headers.putIfAbsent(entry.getKey(), entry.getValue()));
        return Collections.unmodifiableMap(headers);
    }

    @Override
    public String method(FullHttpRequest request) {
        return request.method().name();
    }

    @Override
    public String path(FullHttpRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    @Override
    public String query(FullHttpRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        return query < 0 ? "" : uri.substring(query + 1);
    }

    @Override
    public void release(FullHttpRequest request) {
        request.release();
    }
}
