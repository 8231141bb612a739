package io.nucleon.cli.platform;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What {@code nucleon get} shows about one function.
 *
 * @param name the function's name
 * @param state {@link #READY} when every replica is, {@link #NOT_READY} when all run but one is not ready,
 *     {@link #DEGRADED} when some run and some have ended, {@link #CRASHED} or {@link #STOPPED} when none runs
 * @param url the function's URL, or empty when it has no HTTP trigger or nothing runs
 * @param triggers trigger name to kind, in file order
 * @param startedAtMillis when the function was deployed (epoch milliseconds)
 * @param restartPolicy the function's restart policy ({@code no}, {@code on-failure}, ...)
 * @param replicas its processors
 */
public record FunctionStatus(
        String name,
        String state,
        String url,
        Map<String, String> triggers,
        long startedAtMillis,
        String restartPolicy,
        List<ReplicaStatus> replicas) {

    /** State of a processor that answers {@code /ready} with 200. */
    public static final String READY = "ready";
    /** State of a processor that runs but does not take events (starting, draining, a trigger problem). */
    public static final String NOT_READY = "not-ready";
    /** State of a function some of whose replicas run while others have ended. */
    public static final String DEGRADED = "degraded";
    /** State of a processor that ended after a graceful stop. */
    public static final String STOPPED = "stopped";
    /** State of a processor that ended without a graceful stop. */
    public static final String CRASHED = "crashed";

    public FunctionStatus {
        triggers = Map.copyOf(triggers);
        replicas = List.copyOf(replicas);
    }

    /**
     * @param replicas the replicas' states
     * @return the function's state made of them
     */
    static String stateOf(List<ReplicaStatus> replicas) {
        long running = replicas.stream().filter(ReplicaStatus::running).count();
        if (running == replicas.size()) {
            return replicas.stream().allMatch(r -> READY.equals(r.state())) ? READY : NOT_READY;
        }
        if (running > 0) {
            return DEGRADED;
        }
        return replicas.stream().anyMatch(r -> CRASHED.equals(r.state())) ? CRASHED : STOPPED;
    }

    /** @return whether a processor of it runs */
    public boolean running() {
        return replicas.stream().anyMatch(ReplicaStatus::running);
    }

    /** @return {@code ready/all}, e.g. {@code 2/3} */
    public String replicaSummary() {
        return replicas.stream().filter(r -> READY.equals(r.state())).count() + "/" + replicas.size();
    }

    /** @return the restarts of all replicas */
    public int restarts() {
        return replicas.stream().mapToInt(ReplicaStatus::restarts).sum();
    }

    /** @return events handled by the running replicas since their start; empty when none answers */
    public OptionalLong handledEvents() {
        List<ReplicaStatus> answered =
                replicas.stream().filter(r -> r.handledEvents().isPresent()).toList();
        return answered.isEmpty()
                ? OptionalLong.empty()
                : OptionalLong.of(answered.stream()
                        .mapToLong(r -> r.handledEvents().getAsLong())
                        .sum());
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
