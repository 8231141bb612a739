package io.nucleon.cli.platform;

import java.util.OptionalLong;

/**
 * What {@code nucleon get} shows about one processor of a function.
 *
 * @param index the replica's number
 * @param state {@code ready}, {@code not-ready}, {@code stopped} or {@code crashed} (see {@link FunctionStatus})
 * @param pid its process id
 * @param adminPort its admin port
 * @param url its first HTTP trigger's URL, empty when it has none or is not running
 * @param startedAtMillis when it was started (epoch milliseconds)
 * @param handledEvents events it handled since its start, when it is running
 * @param restarts how often it was restarted after it ended
 */
public record ReplicaStatus(
        int index,
        String state,
        long pid,
        int adminPort,
        String url,
        long startedAtMillis,
        OptionalLong handledEvents,
        int restarts) {

    /** @return whether the process is alive */
    public boolean running() {
        return FunctionStatus.READY.equals(state) || FunctionStatus.NOT_READY.equals(state);
    }
}
