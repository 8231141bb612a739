package io.nucleon.runtime.stream;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The messages of each order group ({@link BrokerMessage#orderKey()}) waiting behind the one that runs:
 * one message per key at a time, in arrival order. Thread-safe.
 *
 * @param <M> the trigger's message type
 */
final class OrderQueues<M extends BrokerMessage> {

    private final Map<String, ArrayDeque<Delivery<M>>> queues = new HashMap<>();

    /** @return whether the message queues behind an unsettled one of its order group */
    boolean waitsForItsTurn(Delivery<M> delivery) {
        String key = delivery.message.orderKey();
        if (key == null) {
            return false;
        }
        synchronized (queues) {
            ArrayDeque<Delivery<M>> queue = queues.get(key);
            if (queue != null) {
                queue.add(delivery);
                return true;
            }
            queues.put(key, new ArrayDeque<>());
            return false;
        }
    }

    /** @return the message of the settled one's group that runs next, or {@code null} */
    Delivery<M> next(Delivery<M> settled) {
        String key = settled.message.orderKey();
        if (key == null) {
            return null;
        }
        synchronized (queues) {
            ArrayDeque<Delivery<M>> queue = queues.get(key);
            Delivery<M> next = queue == null ? null : queue.poll();
            if (next == null) {
                queues.remove(key);
            }
            return next;
        }
    }
}
