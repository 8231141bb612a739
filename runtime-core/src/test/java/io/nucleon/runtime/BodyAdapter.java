package io.nucleon.runtime;

import io.nucleon.runtime.dispatch.EventAdapter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A single event whose attachment is its body text, for tests that hand events to a stub trigger's dispatcher. */
final class BodyAdapter implements EventAdapter<String> {

    static final BodyAdapter INSTANCE = new BodyAdapter();

    @Override
    public ByteBuffer body(String attachment) {
        return ByteBuffer.wrap(attachment.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }

    @Override
    public int bodySize(String attachment) {
        return attachment.getBytes(StandardCharsets.UTF_8).length;
    }
}
