package io.nucleon.runtime.stream;

import io.nucleon.runtime.dispatch.EventAdapter;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the trigger's message out of an {@link AckingDispatcher}'s delivery, so triggers write an adapter
 * for their own message type; and tells the dispatcher when a timed-out run's worker has let go.
 *
 * @param <M> the trigger's message type
 */
final class DeliveryAdapter<M> implements EventAdapter<Delivery<M>> {

    private final EventAdapter<M> adapter;
    private final Consumer<Delivery<M>> timedOutRunReleased;

    DeliveryAdapter(EventAdapter<M> adapter, Consumer<Delivery<M>> timedOutRunReleased) {
        this.adapter = adapter;
        this.timedOutRunReleased = timedOutRunReleased;
    }

    @Override
    public ByteBuffer body(Delivery<M> delivery) {
        return adapter.body(delivery.message);
    }

    @Override
    public int bodySize(Delivery<M> delivery) {
        return adapter.bodySize(delivery.message);
    }

    @Override
    public String contentType(Delivery<M> delivery) {
        return adapter.contentType(delivery.message);
    }

    @Override
    public String header(Delivery<M> delivery, String name) {
        return adapter.header(delivery.message, name);
    }

    @Override
    public Map<String, String> headers(Delivery<M> delivery) {
        return adapter.headers(delivery.message);
    }

    @Override
    public String method(Delivery<M> delivery) {
        return adapter.method(delivery.message);
    }

    @Override
    public String path(Delivery<M> delivery) {
        return adapter.path(delivery.message);
    }

    @Override
    public String query(Delivery<M> delivery) {
        return adapter.query(delivery.message);
    }

    @Override
    public long timestampMillis(Delivery<M> delivery) {
        return adapter.timestampMillis(delivery.message);
    }

    @Override
    public int partition(Delivery<M> delivery) {
        return adapter.partition(delivery.message);
    }

    @Override
    public long offset(Delivery<M> delivery) {
        return adapter.offset(delivery.message);
    }

    @Override
    public String topic(Delivery<M> delivery) {
        return adapter.topic(delivery.message);
    }

    @Override
    public ByteBuffer key(Delivery<M> delivery) {
        return adapter.key(delivery.message);
    }

    /** The slot is recycled: both the trigger and the worker have let go of the message. */
    @Override
    public void release(Delivery<M> delivery) {
        if (delivery.settleWhenReleased) {
            delivery.settleWhenReleased = false;
            timedOutRunReleased.accept(delivery);
        }
    }
}
