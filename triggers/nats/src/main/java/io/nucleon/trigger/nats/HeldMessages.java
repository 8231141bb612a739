package io.nucleon.trigger.nats;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messages a trigger has taken and not yet settled with the server: running, waiting for a worker,
 * or held for a local retry. JetStream keeps them alive with the server ({@code inProgress}) and hands
 * them back on shutdown ({@code nak}); core NATS counts the ones shutdown leaves behind.
 *
 * @param <M> the trigger's message type
 */
final class HeldMessages<M extends NatsMessage> {

    private final Set<M> messages = ConcurrentHashMap.newKeySet();

    void add(M message) {
        messages.add(message);
    }

    boolean remove(NatsMessage message) {
        return messages.remove(message);
    }

    /** @return how many are held now */
    int size() {
        return messages.size();
    }

    /** @return the messages held now, in no particular order */
    List<M> snapshot() {
        return new ArrayList<>(messages);
    }

    /** @return the messages held now, no longer held */
    List<M> takeAll() {
        List<M> taken = new ArrayList<>(messages.size());
        for (M message : snapshot()) {
            if (messages.remove(message)) {
                taken.add(message);
            }
        }
        return taken;
    }
}
