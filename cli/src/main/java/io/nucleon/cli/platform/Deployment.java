package io.nucleon.cli.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local platform's record of one running processor: {@code deployment.json}.
 *
 * @param name the function's name
 * @param pid the processor's process id
 * @param processStartMillis when the OS started that process, so a reused pid is not mistaken for it
 * @param adminHost the admin endpoint's address
 * @param adminPort the admin endpoint's port
 * @param startedAtMillis when the CLI started it (epoch milliseconds)
 * @param url the first HTTP trigger's URL, empty until the processor is ready
 * @param triggers trigger name to kind
 * @param classpath the processor's {@code --classpath} entries
 * @param processor the launcher that ran it
 * @param adminTokenFile the file holding the processor's admin token; empty for a processor started without one
 */
record Deployment(
        String name,
        long pid,
        long processStartMillis,
        String adminHost,
        int adminPort,
        long startedAtMillis,
        String url,
        Map<String, String> triggers,
        List<String> classpath,
        String processor,
        String adminTokenFile) {

    Deployment {
        triggers = new LinkedHashMap<>(triggers);
        classpath = List.copyOf(classpath);
    }

    Deployment withUrl(String newUrl) {
        return new Deployment(
                name,
                pid,
                processStartMillis,
                adminHost,
                adminPort,
                startedAtMillis,
                newUrl,
                triggers,
                classpath,
                processor,
                adminTokenFile);
    }

    Deployment withAdminTokenFile(String file) {
        return new Deployment(
                name,
                pid,
                processStartMillis,
                adminHost,
                adminPort,
                startedAtMillis,
                url,
                triggers,
                classpath,
                processor,
                file);
    }

    /** @return the processor's process while it runs; empty once it ended (or the pid went to another process) */
    Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(handle -> handle.info()
                .startInstant()
                .map(start -> Math.abs(start.toEpochMilli() - processStartMillis) < 1000)
                .orElse(true));
    }

    AdminClient admin() {
        return new AdminClient(adminHost, adminPort, token());
    }

    /** @return the admin token, read from {@link #adminTokenFile} each time; empty when there is none */
    Optional<String> token() {
        if (adminTokenFile.isEmpty()) {
            return Optional.empty();
        }
        try {
            String token = Files.readString(Path.of(adminTokenFile)).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IOException e) {
            return Optional.empty(); // the admin calls that need it then fail, and get shows no metrics
        }
    }

    String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("platform", "local");
        json.put("pid", pid);
        json.put("processStartMillis", processStartMillis);
        json.put("adminHost", adminHost);
        json.put("adminPort", adminPort);
        json.put("startedAtMillis", startedAtMillis);
        json.put("url", url);
        json.put("triggers", triggers);
        json.put("classpath", classpath);
        json.put("processor", processor);
        json.put("adminTokenFile", adminTokenFile);
        return Json.write(json, true) + "\n";
    }

    @SuppressWarnings("unchecked")
    static Deployment fromJson(String text, Path file) {
        try {
            Map<String, Object> json = Json.parseObject(text);
            return new Deployment(
                    (String) json.get("name"),
                    ((Number) json.get("pid")).longValue(),
                    ((Number) json.get("processStartMillis")).longValue(),
                    (String) json.get("adminHost"),
                    ((Number) json.get("adminPort")).intValue(),
                    ((Number) json.get("startedAtMillis")).longValue(),
                    (String) json.getOrDefault("url", ""),
                    (Map<String, String>) json.getOrDefault("triggers", Map.of()),
                    (List<String>) json.getOrDefault("classpath", List.of()),
                    (String) json.getOrDefault("processor", ""),
                    (String) json.getOrDefault("adminTokenFile", ""));
        } catch (RuntimeException e) {
            throw new PlatformException(
                    file + ": unreadable (" + e.getMessage() + "); delete the function and deploy it again");
        }
    }
}
