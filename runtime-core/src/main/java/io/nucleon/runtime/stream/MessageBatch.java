package io.nucleon.runtime.stream;

import io.nucleon.function.Event;
import io.nucleon.runtime.dispatch.EventAdapter;
import io.nucleon.runtime.dispatch.EventGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Broker messages handed to a {@code BatchFunction} in one call, by an {@link AckingDispatcher} with a
 * {@code batch} section. Each message is settled on its own afterwards: acknowledged, or retried (in a
 * batch of its own) and dead-lettered.
 *
 * @param <M> the trigger's message type
 */
final class MessageBatch<M> implements EventGroup {

    private final List<Delivery<M>> deliveries;
    private final EventAdapter<M> adapter;
    private final String triggerKind;
    private final String triggerName;
    private List<Event> events;
    private volatile Runnable onRelease;

    MessageBatch(List<Delivery<M>> deliveries, EventAdapter<M> adapter, String triggerKind, String triggerName) {
        this.deliveries = List.copyOf(deliveries);
        this.adapter = adapter;
        this.triggerKind = triggerKind;
        this.triggerName = triggerName;
    }

    List<Delivery<M>> deliveries() {
        return deliveries;
    }

    /** Runs {@code action} once the worker has let go of the batch too (after a timeout). */
    void onRelease(Runnable action) {
        onRelease = action;
    }

    @Override
    public boolean isBatch() {
        return true;
    }

    @Override
    public int size() {
        return deliveries.size();
    }

    @Override
    public Event event(int index) {
        return events.get(index);
    }

    @Override
    public List<Event> events() {
        return events;
    }

    @Override
    public void assignIds(long firstEventId) {
        List<Event> views = new ArrayList<>(deliveries.size());
        for (int i = 0; i < deliveries.size(); i++) {
            views.add(
                    new MessageEvent<>(adapter, triggerKind, triggerName, deliveries.get(i).message, firstEventId + i));
        }
        events = Collections.unmodifiableList(views);
    }

    @Override
    public void release() {
        Runnable action = onRelease;
        if (action != null) {
            action.run();
        }
    }
}
