package io.nucleon.runtime.dispatch;

import java.nio.ByteBuffer;

/**
 * The adapter of a slot that carries an {@link EventGroup}: the function sees the group's own events,
 * never the slot, so the slot's event fields are empty; releasing the slot releases the group.
 */
final class EventGroupAdapter implements EventAdapter<EventGroup> {

    static final EventGroupAdapter INSTANCE = new EventGroupAdapter();

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private EventGroupAdapter() {}

    @Override
    public ByteBuffer body(EventGroup group) {
        return EMPTY.duplicate();
    }

    @Override
    public int bodySize(EventGroup group) {
        return 0;
    }

    @Override
    public void release(EventGroup group) {
        group.release();
    }
}
