package io.nucleon.cli.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One processor process of a local deployment, as {@code deployment.json} records it.
 *
 * @param index the replica's number, 0 to replicas - 1
 * @param pid the processor's process id
 * @param processStartMillis when the OS started that process, so that a reused pid is not mistaken for it
 * @param adminPort the processor's admin port (on the deployment's admin host)
 * @param startedAtMillis when it was started (epoch milliseconds)
 * @param log its log file's name in the function's state directory
 * @param logOffset the log's length when this process started (a restarted replica appends to its log)
 * @param url its first HTTP trigger's URL, empty until it is ready
 * @param restarts how often the supervisor restarted this replica
 */
record Replica(
        int index,
        long pid,
        long processStartMillis,
        int adminPort,
        long startedAtMillis,
        String log,
        long logOffset,
        String url,
        int restarts) {

    /** What a processor logs when it ends after an orderly stop (SIGTERM, drained). */
    static final String STOPPED_MARK = "\"message\":\"processor stopped\"";

    Replica withUrl(String newUrl) {
        return new Replica(
                index, pid, processStartMillis, adminPort, startedAtMillis, log, logOffset, newUrl, restarts);
    }

    Replica withLog(String newLog) {
        return new Replica(
                index, pid, processStartMillis, adminPort, startedAtMillis, newLog, logOffset, url, restarts);
    }

    /** @return the process while it runs; empty once it ended (or its pid went to another process) */
    Optional<ProcessHandle> process() {
        return Deployment.alive(pid, processStartMillis);
    }

    /**
     * @param functionDir the function's state directory
     * @return whether this process, which has ended, logged its orderly stop
     */
    boolean stoppedInOrder(Path functionDir) {
        return logSinceStart(functionDir).contains(STOPPED_MARK);
    }

    /** @return what this process wrote to its log (not what earlier processes of the replica wrote) */
    String logSinceStart(Path functionDir) {
        try {
            byte[] bytes = Files.readAllBytes(functionDir.resolve(log));
            int from = (int) Math.min(Math.max(0, logOffset), bytes.length);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", index);
        json.put("pid", pid);
        json.put("processStartMillis", processStartMillis);
        json.put("adminPort", adminPort);
        json.put("startedAtMillis", startedAtMillis);
        json.put("log", log);
        json.put("logOffset", logOffset);
        json.put("url", url);
        json.put("restarts", restarts);
        return json;
    }

    static Replica fromJson(Map<?, ?> json) {
        return new Replica(
                ((Number) json.get("index")).intValue(),
                ((Number) json.get("pid")).longValue(),
                ((Number) json.get("processStartMillis")).longValue(),
                ((Number) json.get("adminPort")).intValue(),
                ((Number) json.get("startedAtMillis")).longValue(),
                (String) json.get("log"),
                ((Number) json.get("logOffset")).longValue(),
                (String) json.get("url"),
                ((Number) json.get("restarts")).intValue());
    }
}
