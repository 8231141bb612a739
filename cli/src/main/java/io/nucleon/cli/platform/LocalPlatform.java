package io.nucleon.cli.platform;

import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfig;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.config.TriggerConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs each function as a {@code nucleon-processor} process on this machine, detached from the CLI, with
 * its state under {@code $NUCLEON_HOME/functions/NAME}. The processor's admin endpoint listens on a free
 * loopback port; everything the CLI learns about a running function it asks there.
 */
public final class LocalPlatform implements Platform {

    static final String ADMIN_HOST = "127.0.0.1";
    private static final String HTTP_KIND = "http";
    private static final String REUSE_PORT = "reusePort";
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Duration POLL = Duration.ofMillis(20);

    private final StateDirectory state;
    private final Supplier<Path> processor;
    private final Duration stopTimeout;

    /**
     * @param state the state directory
     * @param processor finds the processor launcher (asked only when deploying)
     * @param stopTimeout how long a stopping processor may drain before it is killed
     */
    public LocalPlatform(StateDirectory state, Supplier<Path> processor, Duration stopTimeout) {
        this.state = state;
        this.processor = processor;
        this.stopTimeout = stopTimeout;
    }

    @Override
    public FunctionStatus deploy(DeployRequest request, Progress progress) {
        String name = request.name();
        Path launcher = processor.get();
        Optional<Deployment> previous = read(name);
        Optional<ProcessHandle> running = previous.flatMap(Deployment::process);
        Map<Integer, HttpPort> held = running.isPresent() ? previousHttpPorts(name) : Map.of();
        checkPorts(request.config(), held.keySet());
        if (running.isPresent()) {
            Optional<String> noHandOver = whyNoHandOver(request.config(), held);
            if (noHandOver.isPresent()) {
                progress.step(
                        "stopping",
                        name + ": the running processor (pid " + running.get().pid() + ") first, because "
                                + noHandOver.get() + ": requests are refused until the new one is ready");
                stop(running.get());
                running = Optional.empty();
            }
        }
        state.createFunctionDir(name);
        List<Path> oldCode = state.codeDirs(name);
        // A hand-over starts the new processor from files of its own (.next) while the old one runs on.
        String suffix = running.isPresent() ? StateDirectory.NEXT : "";
        Path config = state.file(name, StateDirectory.CONFIG + suffix);
        Path token = state.file(name, StateDirectory.TOKEN + suffix);
        Path log = state.file(name, StateDirectory.LOG + suffix);
        List<String> classpath = new ArrayList<>();
        Optional<Path> code = request.code().map(source -> state.installCode(state.nextCodeDir(name), source));
        code.ifPresent(installed -> request.codeClasspath()
                .forEach(entry -> classpath.add(installed.resolve(entry).toString())));
        request.extraClasspath().forEach(entry -> classpath.add(entry.toString()));
        state.writePrivate(config, request.resolvedYaml());
        state.writeToken(token);
        if (running.isEmpty()) {
            FunctionStatus status = start(request, launcher, config, token, log, classpath, progress);
            oldCode.forEach(StateDirectory::deleteRecursively);
            return status;
        }
        return handOver(
                request,
                launcher,
                previous.orElseThrow(),
                running.get(),
                config,
                token,
                log,
                classpath,
                code,
                oldCode,
                progress);
    }

    /** A first deploy (or one after the old processor was stopped): the state is written before it is ready. */
    private FunctionStatus start(
            DeployRequest request,
            Path launcher,
            Path config,
            Path token,
            Path log,
            List<String> classpath,
            Progress progress) {
        String name = request.name();
        Launched launched = launch(request, launcher, config, token, log, classpath);
        write(launched.deployment());
        progress.step("starting", name + ": processor pid " + launched.process().pid() + ", log " + log);
        awaitReady(launched, log, request.readyTimeout(), "full log: nucleon logs " + name);
        Deployment ready = launched.deployment()
                .withUrl(firstHttpEndpoint(launched.deployment()).orElse(""));
        write(ready);
        progress.step("ready", name + " in " + seconds(launched.startedAt()));
        return status(ready);
    }

    /**
     * Zero-downtime redeploy: the new processor binds the same HTTP port(s) beside the running one ({@code
     * reusePort}), and only once it is ready is the old one stopped (it closes its listening socket first, then
     * drains) and the state switched to the new one. When the new one does not become ready, it is stopped and
     * its files removed (its log kept as {@code processor.failed.log}); the running processor and its state are
     * not touched.
     */
    private FunctionStatus handOver(
            DeployRequest request,
            Path launcher,
            Deployment old,
            ProcessHandle oldProcess,
            Path config,
            Path token,
            Path log,
            List<String> classpath,
            Optional<Path> code,
            List<Path> oldCode,
            Progress progress) {
        String name = request.name();
        Launched launched = launch(request, launcher, config, token, log, classpath);
        progress.step(
                "starting",
                name + ": processor pid " + launched.process().pid() + " beside the running one (pid "
                        + oldProcess.pid() + "), on the same port");
        Path failedLog = state.file(name, StateDirectory.FAILED_LOG);
        try {
            awaitReady(launched, log, request.readyTimeout(), "full log: " + failedLog);
        } catch (PlatformException e) {
            launched.process().toHandle().onExit().join(); // awaitReady stops it when it does not give up by itself
            StateDirectory.moveIfExists(log, failedLog);
            StateDirectory.deleteIfExists(config);
            StateDirectory.deleteIfExists(token);
            code.ifPresent(StateDirectory::deleteRecursively);
            throw new PlatformException(
                    e.getMessage() + "; the running processor (pid " + oldProcess.pid() + ") goes on serving");
        }
        Deployment next = launched.deployment()
                .withUrl(firstHttpEndpoint(launched.deployment()).orElse(""));
        progress.step(
                "ready",
                name + " in " + seconds(launched.startedAt()) + " (pid "
                        + launched.process().pid() + "); stopping pid " + oldProcess.pid()
                        + ", which drains its in-flight requests");
        String how = stop(oldProcess);
        StateDirectory.moveIfExists(
                state.file(name, StateDirectory.LOG), state.file(name, StateDirectory.PREVIOUS_LOG));
        StateDirectory.moveIfExists(log, state.file(name, StateDirectory.LOG));
        StateDirectory.moveIfExists(config, state.file(name, StateDirectory.CONFIG));
        Path finalToken = state.file(name, StateDirectory.TOKEN);
        StateDirectory.moveIfExists(token, finalToken);
        Deployment swapped = next.withAdminTokenFile(finalToken.toString());
        write(swapped);
        oldCode.forEach(StateDirectory::deleteRecursively);
        progress.step(
                "replaced",
                "pid " + old.pid() + " (" + how + ") by pid " + swapped.pid() + ", log of the old one: "
                        + state.file(name, StateDirectory.PREVIOUS_LOG));
        return status(swapped);
    }

    private record Launched(Process process, Deployment deployment, long startedAt) {}

    private Launched launch(
            DeployRequest request, Path launcher, Path config, Path token, Path log, List<String> classpath) {
        String name = request.name();
        int adminPort = Ports.free();
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString()); // its own session: a Ctrl-C or a closed terminal must not stop it
        }
        command.addAll(List.of(
                launcher.toString(),
                "--config",
                config.toString(),
                "--admin-host",
                ADMIN_HOST,
                "--admin-port",
                Integer.toString(adminPort),
                "--admin-token-file",
                token.toString()));
        if (!classpath.isEmpty()) {
            command.addAll(List.of("--classpath", String.join(File.pathSeparator, classpath)));
        }
        state.createPrivateFile(log);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(state.functionDir(name).toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new PlatformException("cannot start " + launcher + ": " + e.getMessage(), e);
        }
        long startedAt = System.currentTimeMillis();
        Deployment deployment = new Deployment(
                name,
                process.pid(),
                process.info().startInstant().map(i -> i.toEpochMilli()).orElse(startedAt),
                ADMIN_HOST,
                adminPort,
                startedAt,
                "",
                triggerKinds(request.config()),
                classpath,
                launcher.toString(),
                token.toString());
        return new Launched(process, deployment, startedAt);
    }

    private static String seconds(long sinceMillis) {
        return String.format("%.1f s", (System.currentTimeMillis() - sinceMillis) / 1000.0);
    }

    /**
     * @param logHint where the whole log can be read, for the error messages
     */
    private void awaitReady(Launched launched, Path log, Duration timeout, String logHint) {
        Process process = launched.process();
        Deployment deployment = launched.deployment();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (AdminClient admin = deployment.admin()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new PlatformException("function '" + deployment.name() + "': the processor exited with "
                            + process.exitValue() + " while starting: " + lastError(log) + " (" + logHint + ")");
                }
                if (admin.ready()) {
                    return;
                }
                pause();
            }
        }
        stop(process.toHandle());
        throw new PlatformException("function '" + deployment.name() + "': not ready within " + timeout.toSeconds()
                + " s, so it was stopped (" + logHint + ")");
    }

    private static Optional<String> firstHttpEndpoint(Deployment deployment) {
        try (AdminClient admin = deployment.admin()) {
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
    }

    /** The processor's own one-line error (it writes it to stderr, which goes to the log too). */
    private static String lastError(Path log) {
        List<String> lines = readLog(log).lines().filter(l -> !l.isBlank()).toList();
        return lines.stream()
                .filter(line -> line.startsWith("nucleon-processor:"))
                .reduce((first, second) -> second)
                .or(() -> lines.isEmpty() ? Optional.empty() : Optional.of(lines.getLast()))
                .orElse("(no output)");
    }

    /** An HTTP port a running deployment holds, and whether it listens with {@code reusePort}. */
    private record HttpPort(String trigger, boolean reusePort) {}

    private void checkPorts(FunctionConfig config, Set<Integer> freedByRedeploy) {
        for (TriggerConfig trigger : config.spec().triggers().values()) {
            if (!HTTP_KIND.equals(trigger.kind())) {
                continue;
            }
            int port = httpPort(trigger);
            String host = trigger.attributes().string("host", "0.0.0.0");
            if (port > 0 && !freedByRedeploy.contains(port) && Ports.inUse(host, port)) {
                throw new PlatformException("trigger '" + trigger.name() + "': port " + port
                        + " is in use; choose another with --port (or stop what listens there)");
            }
        }
    }

    /**
     * @return why the new processor cannot listen beside the running one: a port both use where either does
     *     not set {@code reusePort}; empty when it can
     */
    private static Optional<String> whyNoHandOver(FunctionConfig config, Map<Integer, HttpPort> held) {
        for (TriggerConfig trigger : config.spec().triggers().values()) {
            if (!HTTP_KIND.equals(trigger.kind())) {
                continue;
            }
            HttpPort old = held.get(httpPort(trigger));
            if (old == null) {
                continue;
            }
            if (!trigger.attributes().bool(REUSE_PORT, false)) {
                return Optional.of("trigger '" + trigger.name() + "' sets reusePort: false");
            }
            if (!old.reusePort()) {
                return Optional.of("the running processor's trigger '" + old.trigger() + "' listens without reusePort");
            }
        }
        return Optional.empty();
    }

    private Map<Integer, HttpPort> previousHttpPorts(String name) {
        try {
            FunctionConfig previous = FunctionConfigLoader.load(state.file(name, StateDirectory.CONFIG));
            Map<Integer, HttpPort> ports = new LinkedHashMap<>();
            previous.spec().triggers().values().stream()
                    .filter(t -> HTTP_KIND.equals(t.kind()))
                    .forEach(t -> ports.put(
                            httpPort(t), new HttpPort(t.name(), t.attributes().bool(REUSE_PORT, false))));
            return ports;
        } catch (ConfigException e) {
            return Map.of();
        }
    }

    private static int httpPort(TriggerConfig trigger) {
        return trigger.attributes().integer("port", 8080, 0, 65535);
    }

    private static Map<String, String> triggerKinds(FunctionConfig config) {
        Map<String, String> kinds = new LinkedHashMap<>();
        config.spec().triggers().forEach((name, trigger) -> kinds.put(name, trigger.kind()));
        return kinds;
    }

    @Override
    public Optional<FunctionStatus> get(String name) {
        return read(name).map(this::status);
    }

    @Override
    public List<FunctionStatus> list() {
        return state.names().stream().map(this::get).flatMap(Optional::stream).toList();
    }

    private FunctionStatus status(Deployment deployment) {
        Optional<ProcessHandle> process = deployment.process();
        if (process.isEmpty()) {
            String state = readLog(deployment.name()).contains("\"message\":\"processor stopped\"")
                    ? FunctionStatus.STOPPED
                    : FunctionStatus.CRASHED;
            return status(deployment, state, "", OptionalLong.empty());
        }
        try (AdminClient admin = deployment.admin()) {
            boolean ready = admin.ready();
            OptionalLong handled = admin.handledEvents().map(OptionalLong::of).orElse(OptionalLong.empty());
            return status(
                    deployment, ready ? FunctionStatus.READY : FunctionStatus.NOT_READY, deployment.url(), handled);
        }
    }

    private static FunctionStatus status(Deployment deployment, String state, String url, OptionalLong handled) {
        return new FunctionStatus(
                deployment.name(),
                state,
                url,
                deployment.triggers(),
                deployment.pid(),
                deployment.adminPort(),
                deployment.startedAtMillis(),
                handled);
    }

    @Override
    public String delete(String name) {
        Deployment deployment = require(name);
        String how = deployment.process().map(this::stop).orElse("was not running");
        state.deleteFunction(name);
        return how;
    }

    /** SIGTERM, then wait for the drain; kill only when it takes longer than the stop timeout. */
    private String stop(ProcessHandle process) {
        process.destroy();
        try {
            process.onExit().get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return "stopped gracefully";
        } catch (TimeoutException e) {
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException ignored) {
                // reported below either way
            }
            return "killed: it did not stop within " + stopTimeout.toSeconds() + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while stopping pid " + process.pid());
        } catch (ExecutionException e) {
            throw new PlatformException("cannot wait for pid " + process.pid() + ": " + e.getCause());
        }
    }

    @Override
    public void logs(String name, PrintStream out, boolean follow) {
        Deployment deployment = require(name);
        Path log = state.file(name, StateDirectory.LOG);
        try (InputStream in = Files.newInputStream(log)) {
            while (true) {
                byte[] chunk = in.readNBytes(in.available());
                if (chunk.length > 0) {
                    out.write(chunk);
                    out.flush();
                    continue;
                }
                if (!follow || deployment.process().isEmpty()) {
                    out.write(in.readAllBytes());
                    out.flush();
                    return;
                }
                pause();
            }
        } catch (IOException e) {
            throw new PlatformException("cannot read " + log + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String export(String name) {
        require(name);
        try {
            return Files.readString(state.file(name, StateDirectory.CONFIG));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Deployment require(String name) {
        return read(name)
                .orElseThrow(() -> new PlatformException(
                        "function '" + name + "' not found (nucleon get lists the deployed functions)"));
    }

    private Optional<Deployment> read(String name) {
        if (!FunctionNames.isValid(name)) {
            return Optional.empty();
        }
        Path file = state.file(name, StateDirectory.DEPLOYMENT);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Deployment.fromJson(Files.readString(file), file));
        } catch (IOException e) {
            throw new PlatformException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(Deployment deployment) {
        state.writePrivate(state.file(deployment.name(), StateDirectory.DEPLOYMENT), deployment.toJson());
    }

    private String readLog(String name) {
        return readLog(state.file(name, StateDirectory.LOG));
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
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
