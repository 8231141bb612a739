package io.nucleon.cli.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local platform's record of one deployed function: {@code deployment.json}. Its replicas share the
 * function.yaml, the admin token and the class path; each has a process, an admin port and a log of its own.
 *
 * @param name the function's name
 * @param adminHost the address the replicas' admin endpoints listen on
 * @param startedAtMillis when this deployment was made (epoch milliseconds)
 * @param url the function's URL (replica 0's first HTTP trigger; the replicas share its port), empty until ready
 * @param triggers trigger name to kind
 * @param classpath the processors' {@code --classpath} entries
 * @param processor the launcher that runs them
 * @param adminTokenFile the file holding the replicas' admin token
 * @param supervisor the supervisor process that restarts ended replicas; empty when the function does not ask
 *     for restarts
 * @param replicas the processor processes, by index
 */
record Deployment(
        String name,
        String adminHost,
        long startedAtMillis,
        String url,
        Map<String, String> triggers,
        List<String> classpath,
        String processor,
        String adminTokenFile,
        Optional<SupervisorProcess> supervisor,
        List<Replica> replicas) {

    Deployment {
        triggers = new LinkedHashMap<>(triggers);
        classpath = List.copyOf(classpath);
        replicas = List.copyOf(replicas);
    }

    /**
     * @param pid the supervisor's process id
     * @param processStartMillis when the OS started it
     */
    record SupervisorProcess(long pid, long processStartMillis) {

        /** @return the supervisor while it runs */
        Optional<ProcessHandle> process() {
            return alive(pid, processStartMillis);
        }

        static SupervisorProcess of(ProcessHandle process) {
            return new SupervisorProcess(
                    process.pid(),
                    process.info().startInstant().map(i -> i.toEpochMilli()).orElse(System.currentTimeMillis()));
        }
    }

    /** @return the process {@code pid} while it runs, unless the pid now belongs to a process started later */
    static Optional<ProcessHandle> alive(long pid, long processStartMillis) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(handle -> handle.info()
                .startInstant()
                .map(start -> Math.abs(start.toEpochMilli() - processStartMillis) < 1000)
                .orElse(true));
    }

    Deployment withUrl(String newUrl) {
        return new Deployment(
                name,
                adminHost,
                startedAtMillis,
                newUrl,
                triggers,
                classpath,
                processor,
                adminTokenFile,
                supervisor,
                replicas);
    }

    Deployment withAdminTokenFile(String file) {
        return new Deployment(
                name, adminHost, startedAtMillis, url, triggers, classpath, processor, file, supervisor, replicas);
    }

    Deployment withSupervisor(Optional<SupervisorProcess> newSupervisor) {
        return new Deployment(
                name,
                adminHost,
                startedAtMillis,
                url,
                triggers,
                classpath,
                processor,
                adminTokenFile,
                newSupervisor,
                replicas);
    }

    Deployment withReplicas(List<Replica> newReplicas) {
        return new Deployment(
                name,
                adminHost,
                startedAtMillis,
                url,
                triggers,
                classpath,
                processor,
                adminTokenFile,
                supervisor,
                newReplicas);
    }

    /** @return this deployment with {@code replica} in place of the one of the same index */
    Deployment withReplica(Replica replica) {
        List<Replica> updated = new ArrayList<>(replicas);
        updated.replaceAll(r -> r.index() == replica.index() ? replica : r);
        return withReplicas(updated);
    }

    /** @return the replicas' processes that run */
    List<ProcessHandle> processes() {
        return replicas.stream().map(Replica::process).flatMap(Optional::stream).toList();
    }

    AdminClient admin(Replica replica) {
        return new AdminClient(adminHost, replica.adminPort(), token());
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
        json.put("adminHost", adminHost);
        json.put("startedAtMillis", startedAtMillis);
        json.put("url", url);
        json.put("triggers", triggers);
        json.put("classpath", classpath);
        json.put("processor", processor);
        json.put("adminTokenFile", adminTokenFile);
        supervisor.ifPresent(s -> {
            Map<String, Object> process = new LinkedHashMap<>();
            process.put("pid", s.pid());
            process.put("processStartMillis", s.processStartMillis());
            json.put("supervisor", process);
        });
        json.put("replicas", replicas.stream().map(Replica::toJson).toList());
        return Json.write(json, true) + "\n";
    }

    @SuppressWarnings("unchecked")
    static Deployment fromJson(String text, Path file) {
        try {
            Map<String, Object> json = Json.parseObject(text);
            Optional<SupervisorProcess> supervisor = Optional.ofNullable((Map<String, Object>) json.get("supervisor"))
                    .map(s -> new SupervisorProcess(
                            ((Number) s.get("pid")).longValue(), ((Number) s.get("processStartMillis")).longValue()));
            List<Replica> replicas = ((List<Map<?, ?>>) json.get("replicas"))
                    .stream().map(Replica::fromJson).toList();
            return new Deployment(
                    (String) json.get("name"),
                    (String) json.get("adminHost"),
                    ((Number) json.get("startedAtMillis")).longValue(),
                    (String) json.getOrDefault("url", ""),
                    (Map<String, String>) json.getOrDefault("triggers", Map.of()),
                    (List<String>) json.getOrDefault("classpath", List.of()),
                    (String) json.getOrDefault("processor", ""),
                    (String) json.getOrDefault("adminTokenFile", ""),
                    supervisor,
                    replicas);
        } catch (RuntimeException e) {
            throw new PlatformException(
                    file + ": unreadable (" + e + "); stop its processes and delete the directory " + file.getParent());
        }
    }
}
