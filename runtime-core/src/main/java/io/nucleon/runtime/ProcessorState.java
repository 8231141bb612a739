package io.nucleon.runtime;

/** Where a processor is in its life. Readiness is {@link #READY} only. */
public enum ProcessorState {
    /** Loading the function, starting workers and triggers. */
    STARTING,
    /** Taking events. */
    READY,
    /** Taking no new events; finishing those in flight. */
    DRAINING,
    /** Everything closed. */
    STOPPED
}
