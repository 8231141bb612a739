package io.nucleon.function;

/**
 * The context handed to a function with each event: the worker's {@link InitContext} plus facts about
 * the trigger that delivered the event.
 *
 * <p>One context object belongs to one worker and is reused for every event; do not keep it after the
 * call returns in another thread.
 */
public interface Context extends InitContext {

    /**
     * The kind of the trigger that delivered the current event ({@code http}, {@code kafka-cluster}, ...).
     *
     * @return the trigger kind
     */
    String triggerKind();

    /**
     * The name of the trigger that delivered the current event, as keyed in function.yaml.
     *
     * @return the trigger name
     */
    String triggerName();
}
