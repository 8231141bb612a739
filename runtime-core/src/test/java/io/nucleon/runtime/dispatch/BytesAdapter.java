package io.nucleon.runtime.dispatch;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Events whose attachment is the body itself; counts how often the runtime releases each attachment. */
final class BytesAdapter implements EventAdapter<byte[]> {

    // byte[] has identity equality, so this counts per dispatched array
    private final Map<byte[], AtomicInteger> releases = new ConcurrentHashMap<>();

    @Override
    public ByteBuffer body(byte[] attachment) {
        return ByteBuffer.wrap(attachment).asReadOnlyBuffer();
    }

    @Override
    public int bodySize(byte[] attachment) {
        return attachment.length;
    }

    @Override
    public String contentType(byte[] attachment) {
        return "application/octet-stream";
    }

    @Override
    public void release(byte[] attachment) {
        releases.computeIfAbsent(attachment, ignored -> new AtomicInteger()).incrementAndGet();
    }

    int releases(byte[] attachment) {
        AtomicInteger count = releases.get(attachment);
        return count == null ? 0 : count.get();
    }
}
