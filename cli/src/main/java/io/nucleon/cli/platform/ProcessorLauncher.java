package io.nucleon.cli.platform;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts processor processes for the local platform, each detached from the command that starts it (its own
 * session: a Ctrl-C or a closed terminal does not stop it), with its output in its log, and waits for them to
 * become ready. Used by deploys and by the supervisor's restarts alike.
 */
final class ProcessorLauncher {

    static final String ADMIN_HOST = "127.0.0.1";
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Duration POLL = Duration.ofMillis(20);
    private static final String HTTP_KIND = "http";

    /**
     * What one processor is started with.
     *
     * @param launcher the {@code nucleon-processor} launcher
     * @param config the function.yaml it reads
     * @param token the admin token file
     * @param classpath its {@code --classpath} entries
     */
    record Command(Path launcher, Path config, Path token, List<String> classpath) {}

    /**
     * A processor just started.
     *
     * @param pid the processor's process id (not a child of this JVM)
     * @param replica its record, without URL until it is ready
     * @param logFile its log
     */
    record Launched(long pid, Replica replica, Path logFile) {

        /** @return the processor while it runs */
        Optional<ProcessHandle> process() {
            return replica.process();
        }

        /** @return a handle for stopping it; empty when it has ended */
        List<ProcessHandle> handle() {
            return replica.process().stream().toList();
        }
    }

    private final Path functionDir;

    /** @param functionDir the function's state directory, the processes' working directory */
    ProcessorLauncher(Path functionDir) {
        this.functionDir = functionDir;
    }

    /**
     * @param command what to start
     * @param index the replica's index
     * @param log the log file's name in the function's directory
     * @param append add to the log (a restart) instead of starting it anew
     * @param restarts the replica's restart count to record
     */
    Launched launch(Command command, int index, String log, boolean append, int restarts) {
        int adminPort = Ports.free();
        List<String> line = new ArrayList<>(List.of(
                "/bin/sh",
                "-c",
                // The shell starts the processor in the background and ends at once, printing its pid: the
                // processor is then nobody's child here. A child would keep a JVM thread in waitpid, and the JVM
                // waits up to 0.3 s at exit for such threads, on every deploy.
                (Files.isExecutable(SETSID) ? SETSID + " " : "")
                        + "\"$@\" >>\"$NUCLEON_LOG\" 2>&1 </dev/null & echo $!",
                "nucleon-launch",
                command.launcher().toString(),
                "--config",
                command.config().toString(),
                "--admin-host",
                ADMIN_HOST,
                "--admin-port",
                Integer.toString(adminPort),
                "--admin-token-file",
                command.token().toString()));
        if (!command.classpath().isEmpty()) {
            line.addAll(List.of("--classpath", String.join(File.pathSeparator, command.classpath())));
        }
        Path logFile = functionDir.resolve(log);
        long offset = 0;
        try {
            if (append && Files.exists(logFile)) {
                offset = Files.size(logFile);
            } else {
                StateDirectory.createPrivateFile(logFile);
            }
        } catch (IOException e) {
            throw new PlatformException("cannot use " + logFile + ": " + e.getMessage(), e);
        }
        long startedAt = System.currentTimeMillis();
        long pid = start(line, logFile, command);
        // A processor that ended at once has no handle any more: it is reported as ended while starting.
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        long processStart = handle.flatMap(h -> h.info().startInstant())
                .map(i -> i.toEpochMilli())
                .orElse(startedAt);
        return new Launched(
                pid, new Replica(index, pid, processStart, adminPort, startedAt, log, offset, "", restarts), logFile);
    }

    /** Runs the launching shell and returns the pid it printed. */
    private long start(List<String> line, Path logFile, Command command) {
        ProcessBuilder builder = new ProcessBuilder(line)
                .directory(functionDir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("NUCLEON_LOG", logFile.toString());
        try {
            Process shell = builder.start();
            String output =
                    new String(shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            shell.waitFor();
            if (shell.exitValue() != 0 || !output.matches("[0-9]+")) {
                throw new PlatformException("cannot start " + command.launcher() + ": " + output);
            }
            return Long.parseLong(output);
        } catch (IOException e) {
            throw new PlatformException("cannot start " + command.launcher() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while starting " + command.launcher());
        }
    }

    /**
     * Waits until every processor answers {@code /ready}, and sets each one's URL. When one ends or the time
     * runs out, all of them are stopped.
     *
     * @param deployment the deployment they belong to (for the admin host and token)
     * @param launched the processors
     * @param timeout how long to wait for all of them
     * @param logHint where the whole log of a replica can be read, for the error messages
     * @return the replicas, ready, with their URLs
     * @throws PlatformException naming the replica that failed and its last error line
     */
    List<Replica> awaitReady(
            Deployment deployment,
            List<Launched> launched,
            Duration timeout,
            java.util.function.IntFunction<String> logHint) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Replica> ready = new ArrayList<>();
        for (Launched each : launched) {
            try (AdminClient admin = deployment.admin(each.replica())) {
                while (!admin.ready()) {
                    if (each.process().isEmpty()) {
                        stopAll(launched);
                        throw new PlatformException("function '" + deployment.name() + "'"
                                + replicaLabel(launched, each) + ": the processor exited while starting: "
                                + lastError(each)
                                + " (" + logHint.apply(each.replica().index()) + ")");
                    }
                    if (System.nanoTime() > deadline) {
                        stopAll(launched);
                        throw new PlatformException("function '" + deployment.name() + "'"
                                + replicaLabel(launched, each) + ": not ready within " + timeout.toSeconds()
                                + " s, so it was stopped ("
                                + logHint.apply(each.replica().index()) + ")");
                    }
                    pause();
                }
                ready.add(each.replica().withUrl(firstHttpEndpoint(admin).orElse("")));
            }
        }
        return ready;
    }

    private static String replicaLabel(List<Launched> launched, Launched one) {
        return launched.size() == 1 ? "" : " replica " + one.replica().index();
    }

    private static void stopAll(List<Launched> launched) {
        GracefulStop.stopAll(launched.stream().flatMap(l -> l.handle().stream()).toList(), Duration.ofSeconds(10));
    }

    private static Optional<String> firstHttpEndpoint(AdminClient admin) {
        return admin.status().flatMap(status -> {
            if (status.get("triggers") instanceof List<?> triggers) {
                return triggers.stream()
                        .filter(t -> t instanceof Map<?, ?> m && HTTP_KIND.equals(m.get("kind")))
                        .map(t -> ((Map<?, ?>) t).get("endpoint"))
                        .filter(String.class::isInstance)
                        .map(String.class::cast)
                        .findFirst();
            }
            return Optional.empty();
        });
    }

    /** The processor's own one-line error (it writes it to stderr, which goes to the log too). */
    private String lastError(Launched launched) {
        List<String> lines = launched.replica()
                .logSinceStart(functionDir)
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
        return lines.stream()
                .filter(line -> line.startsWith("nucleon-processor:"))
                .reduce((first, second) -> second)
                .or(() -> lines.isEmpty() ? Optional.empty() : Optional.of(lines.getLast()))
                .orElse("(no output)");
    }

    private static void pause() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted");
        }
    }
}
