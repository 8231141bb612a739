package io.nucleon.runtime.dispatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A stateless adapter whose attachment is the body itself: the smallest trigger-side event there is.
 * Shared by every event; nothing is read or copied per event unless the function asks.
 */
final class FixedBodyAdapter implements EventAdapter<ByteBuffer> {

    static final FixedBodyAdapter INSTANCE = new FixedBodyAdapter();

    private FixedBodyAdapter() {}

    /**
     * @param text the body text
     * @return a read-only UTF-8 body, positioned at 0
     */
    static ByteBuffer body(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }

    @Override
    public ByteBuffer body(ByteBuffer attachment) {
        return attachment;
    }

    @Override
    public int bodySize(ByteBuffer attachment) {
        return attachment.limit();
    }
}
