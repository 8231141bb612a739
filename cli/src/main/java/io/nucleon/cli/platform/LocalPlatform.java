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
        checkPorts(request.config(), running.isPresent() ? previousPorts(name) : List.of());
        running.ifPresent(process -> {
            progress.step("stopping", name + ": the running processor (pid " + process.pid() + ")");
            stop(process);
        });
        Path dir = state.createFunctionDir(name);
        List<String> classpath = new ArrayList<>();
        request.code().ifPresent(code -> {
            Path installed = state.installCode(name, code);
            request.codeClasspath()
                    .forEach(entry -> classpath.add(installed.resolve(entry).toString()));
        });
        request.extraClasspath().forEach(entry -> classpath.add(entry.toString()));
        Path config = dir.resolve(StateDirectory.CONFIG);
        state.writePrivate(config, request.resolvedYaml());
        return start(request, launcher, config, classpath, progress);
    }

    private FunctionStatus start(
            DeployRequest request, Path launcher, Path config, List<String> classpath, Progress progress) {
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
                Integer.toString(adminPort)));
        if (!classpath.isEmpty()) {
            command.addAll(List.of("--classpath", String.join(File.pathSeparator, classpath)));
        }
        Path log = state.createPrivateFile(state.file(name, StateDirectory.LOG));
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
                launcher.toString());
        write(deployment);
        progress.step("starting", name + ": processor pid " + process.pid() + ", log " + log);
        awaitReady(process, deployment, request.readyTimeout());
        Deployment ready = deployment.withUrl(firstHttpEndpoint(deployment).orElse(""));
        write(ready);
        progress.step(
                "ready", name + " in " + String.format("%.1f s", (System.currentTimeMillis() - startedAt) / 1000.0));
        return status(ready);
    }

    private void awaitReady(Process process, Deployment deployment, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (AdminClient admin = deployment.admin()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new PlatformException("function '" + deployment.name() + "': the processor exited with "
                            + process.exitValue() + " while starting: " + lastError(deployment.name())
                            + " (full log: nucleon logs " + deployment.name() + ")");
                }
                if (admin.ready()) {
                    return;
                }
                pause();
            }
        }
        stop(process.toHandle());
        throw new PlatformException("function '" + deployment.name() + "': not ready within " + timeout.toSeconds()
                + " s, so it was stopped (see nucleon logs " + deployment.name() + ")");
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
    private String lastError(String name) {
        List<String> lines = readLog(name).lines().filter(l -> !l.isBlank()).toList();
        return lines.stream()
                .filter(line -> line.startsWith("nucleon-processor:"))
                .reduce((first, second) -> second)
                .or(() -> lines.isEmpty() ? Optional.empty() : Optional.of(lines.getLast()))
                .orElse("(no output)");
    }

    private void checkPorts(FunctionConfig config, List<Integer> freedByRedeploy) {
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

    private List<Integer> previousPorts(String name) {
        try {
            FunctionConfig previous = FunctionConfigLoader.load(state.file(name, StateDirectory.CONFIG));
            return previous.spec().triggers().values().stream()
                    .filter(t -> HTTP_KIND.equals(t.kind()))
                    .map(LocalPlatform::httpPort)
                    .toList();
        } catch (ConfigException e) {
            return List.of();
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
        try {
            return Files.readString(state.file(name, StateDirectory.LOG), StandardCharsets.UTF_8);
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
