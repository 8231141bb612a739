package io.nucleon.runtime.dispatch;

import io.nucleon.function.Event;
import java.util.List;

/**
 * Several events that a stream trigger hands to one worker as a unit, through {@link
 * EventDispatcher#dispatchGroup}: consecutive records of one partition, for example. A unit keeps a
 * partition's order (one worker runs it front to back) and pays the hand-off between threads once for
 * all its events rather than once per event.
 *
 * <p>Two shapes:
 *
 * <ul>
 *   <li>a <b>run</b> ({@link #isBatch()} false): the worker calls {@code Function.handle} for each event
 *       in order and stops at the first failure; {@link EventSlot#handledCount()} says how many
 *       succeeded, so the trigger retries from the one that failed;
 *   <li>a <b>batch</b> ({@link #isBatch()} true): the worker calls {@code BatchFunction.handleBatch} once
 *       with {@link #events()}; {@link EventSlot#batchResult()} says which events failed.
 * </ul>
 *
 * The group belongs to the trigger; the slot releases it through {@link #release()} once neither the
 * worker nor the trigger needs it.
 */
public interface EventGroup {

    /** @return whether the events go to a {@code BatchFunction} in one call */
    boolean isBatch();

    /** @return the number of events, at least 1 */
    int size();

    /**
     * One event of a run. The worker calls it in index order and is done with each event before asking
     * for the next, so an implementation may hand out one reused view.
     *
     * @param index from 0 to {@code size() - 1}
     * @return the event
     */
    Event event(int index);

    /** @return every event, for {@code BatchFunction.handleBatch}; valid until the call returns */
    List<Event> events();

    /**
     * Called once by {@link EventDispatcher#dispatchGroup} with ids reserved for this group's events:
     * event {@code i} has id {@code firstEventId + i}.
     *
     * @param firstEventId the id of the first event
     */
    void assignIds(long firstEventId);

    /**
     * Whether a run should stop before its next event, because its trigger is giving the events' source
     * up (a partition revoked in a rebalance). The run then answers {@link EventOutcome#SUCCESS} with an
     * {@link EventSlot#handledCount()} below {@link #size()}: the events not run are not handled.
     *
     * @return {@code true} to stop the run early
     */
    default boolean stopRequested() {
        return false;
    }

    /**
     * Worker, in a run: event {@code index} is about to run. With {@link #handled(int)} this tells a
     * trigger, once the worker has let go of the group ({@link #release()}), exactly how far the run got
     * even when it was answered early as timed out: the event at index {@code handled} failed if it was
     * started, and never ran if it was not.
     *
     * @param index the event's index
     */
    default void started(int index) {}

    /**
     * Worker, in a run: event {@code index} succeeded.
     *
     * @param index the event's index
     */
    default void handled(int index) {}

    /** Called exactly once, on whichever thread lets go of the group last. */
    default void release() {}
}
