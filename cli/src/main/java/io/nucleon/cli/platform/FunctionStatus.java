package io.nucleon.cli.platform;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What {@code nucleon get} shows about one function.
 *
 * @param name the function's name
 * @param state {@code ready}, {@code not-ready} (running, not taking events), {@code stopped} or {@code crashed}
 * @param url the first HTTP trigger's URL, or empty when it has none or is not running
 * @param triggers trigger name to kind, in file order
 * @param pid the processor's process id
 * @param adminPort the processor's admin port
 * @param startedAtMillis when the processor was started (epoch milliseconds)
 * @param handledEvents events handled since start (all triggers, success and failure), when it is running
 */
public record FunctionStatus(
        String name,
        String state,
        String url,
        Map<String, String> triggers,
        long pid,
        int adminPort,
        long startedAtMillis,
        OptionalLong handledEvents) {

    /** State of a processor that answers {@code /ready} with 200. */
    public static final String READY = "ready";
    /** State of a processor that runs but does not take events (starting, draining, a trigger problem). */
    public static final String NOT_READY = "not-ready";
    /** State of a processor that ended after a graceful stop. */
    public static final String STOPPED = "stopped";
    /** State of a processor that ended without a graceful stop. */
    public static final String CRASHED = "crashed";

    public FunctionStatus {
        triggers = Map.copyOf(triggers);
    }

    /** @return whether the processor process is alive */
    public boolean running() {
        return READY.equals(state) || NOT_READY.equals(state);
    }

    /** @return the trigger list as {@code name(kind)}, comma-separated */
    public String triggerSummary() {
        return String.join(
                ",",
                triggers.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + "(" + e.getValue() + ")")
                        .toList());
    }

    /** @return the list for JSON output */
    public List<Map<String, String>> triggerList() {
        return triggers.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> Map.of("name", e.getKey(), "kind", e.getValue()))
                .toList();
    }
}
