package io.nucleon.cli.platform;

import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfig;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.config.RestartPolicy;
import io.nucleon.config.TriggerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs each function as {@code spec.replicas} {@code nucleon-processor} processes on this machine, detached from
 * the CLI, with its state under {@code $NUCLEON_HOME/functions/NAME}. The replicas share the HTTP port
 * ({@code reusePort}: the kernel spreads connections over them); each has an admin endpoint on a free loopback
 * port, where the CLI asks everything it learns about a running function. A function whose restart policy asks
 * for it gets a {@link Supervisor} process that restarts replicas that end by themselves.
 */
public final class LocalPlatform implements Platform {

    private static final String HTTP_KIND = "http";
    private static final String REUSE_PORT = "reusePort";

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
        checkReplicas(request.config());
        try (DeployLock lock = DeployLock.acquire(
                state,
                name,
                request.readyTimeout(),
                holder -> progress.step(
                        "waiting", "for another nucleon command on " + name + " (pid " + holder + ") to finish"))) {
            return deployLocked(request, launcher, progress);
        }
    }

    private FunctionStatus deployLocked(DeployRequest request, Path launcher, Progress progress) {
        String name = request.name();
        Optional<Deployment> previous = read(name);
        List<ProcessHandle> running = previous.map(Deployment::processes).orElse(List.of());
        Map<Integer, HttpPort> held = running.isEmpty() ? Map.of() : previousHttpPorts(name);
        checkPorts(request.config(), held.keySet());
        if (!running.isEmpty()) {
            Optional<String> noHandOver = whyNoHandOver(request.config(), held);
            if (noHandOver.isPresent()) {
                progress.step(
                        "stopping",
                        name + ": the running processor(s) first, because " + noHandOver.get()
                                + ": requests are refused until the new one is ready");
                GracefulStop.stopAll(running, stopTimeout);
                running = List.of();
            }
        }
        state.createFunctionDir(name);
        List<Path> oldCode = state.codeDirs(name);
        // A hand-over starts the new processors from files of their own (.next) while the old ones run on.
        String suffix = running.isEmpty() ? "" : StateDirectory.NEXT;
        Path config = state.file(name, StateDirectory.CONFIG + suffix);
        Path token = state.file(name, StateDirectory.TOKEN + suffix);
        List<String> classpath = new ArrayList<>();
        Optional<Path> code = request.code().map(source -> state.installCode(state.nextCodeDir(name), source));
        code.ifPresent(installed -> request.codeClasspath()
                .forEach(entry -> classpath.add(installed.resolve(entry).toString())));
        request.extraClasspath().forEach(entry -> classpath.add(entry.toString()));
        state.writePrivate(config, request.resolvedYaml());
        state.writeToken(token);
        ProcessorLauncher.Command command = new ProcessorLauncher.Command(launcher, config, token, classpath);
        FunctionStatus status;
        if (running.isEmpty()) {
            status = start(request, command, progress);
            oldCode.forEach(StateDirectory::deleteRecursively);
        } else {
            status = handOver(request, command, previous.orElseThrow(), running, code, oldCode, progress);
        }
        return superviseAsAsked(name, request.config().spec().restartPolicy(), progress)
                .map(d -> readyStatus(d, request.config()))
                .orElse(status);
    }

    /** A first deploy (or one after the old processors were stopped): the state is written before they are ready. */
    private FunctionStatus start(DeployRequest request, ProcessorLauncher.Command command, Progress progress) {
        String name = request.name();
        int replicas = request.config().spec().fixedReplicas();
        ProcessorLauncher launcher = new ProcessorLauncher(state.functionDir(name));
        List<ProcessorLauncher.Launched> launched = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            launched.add(launcher.launch(command, i, StateDirectory.log(i), false, 0));
        }
        long startedAt = System.currentTimeMillis();
        Deployment deployment = newDeployment(request, command, startedAt, launched);
        write(deployment);
        progress.step(
                "starting",
                name + ": " + describe(launched) + ", log " + state.file(name, StateDirectory.log(0))
                        + (replicas > 1 ? " (and processor-N.log)" : ""));
        List<Replica> ready = launcher.awaitReady(
                deployment,
                launched,
                request.readyTimeout(),
                index -> "full log: nucleon logs " + name + (replicas > 1 ? " --replica " + index : ""));
        Deployment done =
                deployment.withReplicas(ready).withUrl(ready.getFirst().url());
        write(done);
        progress.step("ready", name + " in " + seconds(startedAt));
        return readyStatus(done, request.config());
    }

    /**
     * Zero-downtime redeploy: the new processors bind the same HTTP port(s) beside the running ones ({@code
     * reusePort}), and only once all are ready are the old ones stopped (each closes its listening socket first,
     * then drains) and the state switched to the new ones. When a new one does not become ready, all new ones are
     * stopped and their files removed (their logs kept as {@code processor.failed.log}); the running processors
     * and their state are not touched.
     */
    private FunctionStatus handOver(
            DeployRequest request,
            ProcessorLauncher.Command command,
            Deployment old,
            List<ProcessHandle> oldProcesses,
            Optional<Path> code,
            List<Path> oldCode,
            Progress progress) {
        String name = request.name();
        int replicas = request.config().spec().fixedReplicas();
        ProcessorLauncher launcher = new ProcessorLauncher(state.functionDir(name));
        List<ProcessorLauncher.Launched> launched = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            launched.add(launcher.launch(command, i, StateDirectory.log(i) + StateDirectory.NEXT, false, 0));
        }
        long startedAt = System.currentTimeMillis();
        String oldOnes = theRunning(oldProcesses);
        progress.step("starting", name + ": " + describe(launched) + " beside " + oldOnes + ", on the same port");
        Deployment next = newDeployment(request, command, startedAt, launched);
        List<Replica> ready;
        try {
            ready = launcher.awaitReady(
                    next,
                    launched,
                    request.readyTimeout(),
                    index -> "full log: " + state.file(name, StateDirectory.failedLog(index)));
        } catch (PlatformException e) {
            for (ProcessorLauncher.Launched each : launched) {
                StateDirectory.moveIfExists(
                        each.logFile(),
                        state.file(name, StateDirectory.failedLog(each.replica().index())));
            }
            StateDirectory.deleteIfExists(command.config());
            StateDirectory.deleteIfExists(command.token());
            code.ifPresent(StateDirectory::deleteRecursively);
            throw new PlatformException(e.getMessage() + "; "
                    + oldOnes.replace(" one ", " processor ").replace(" ones ", " processors ")
                    + (oldProcesses.size() == 1 ? " goes" : " go") + " on serving");
        }
        progress.step(
                "ready",
                name + " in " + seconds(startedAt) + " (" + describe(launched) + "); stopping " + oldOnes
                        + ", which drain" + (oldProcesses.size() == 1 ? "s its" : " their") + " in-flight requests");
        // The new processors serve now: the state names them (with their .next files) while the old ones drain,
        // so that get and logs -f see a running function throughout.
        write(next.withReplicas(ready).withUrl(ready.getFirst().url()).withSupervisor(old.supervisor()));
        String how = GracefulStop.stopAll(oldProcesses, stopTimeout);
        for (Replica replica : old.replicas()) {
            StateDirectory.moveIfExists(
                    state.file(name, replica.log()), state.file(name, StateDirectory.previousLog(replica.index())));
        }
        List<Replica> renamed = new ArrayList<>();
        for (Replica replica : ready) {
            String log = StateDirectory.log(replica.index());
            StateDirectory.moveIfExists(state.file(name, replica.log()), state.file(name, log));
            renamed.add(replica.withLog(log));
        }
        StateDirectory.moveIfExists(command.config(), state.file(name, StateDirectory.CONFIG));
        Path finalToken = state.file(name, StateDirectory.TOKEN);
        StateDirectory.moveIfExists(command.token(), finalToken);
        Deployment swapped = next.withReplicas(renamed)
                .withUrl(renamed.getFirst().url())
                .withAdminTokenFile(finalToken.toString())
                .withSupervisor(old.supervisor());
        write(swapped);
        oldCode.forEach(StateDirectory::deleteRecursively);
        progress.step(
                "replaced",
                pids(oldProcesses) + " (" + how + ") by "
                        + describe(launched) + ", log of the old one: "
                        + state.file(name, StateDirectory.previousLog(0)));
        return readyStatus(swapped, request.config());
    }

    private Deployment newDeployment(
            DeployRequest request,
            ProcessorLauncher.Command command,
            long startedAt,
            List<ProcessorLauncher.Launched> launched) {
        return new Deployment(
                request.name(),
                ProcessorLauncher.ADMIN_HOST,
                startedAt,
                "",
                triggerKinds(request.config()),
                command.classpath(),
                command.launcher().toString(),
                command.token().toString(),
                read(request.name()).flatMap(Deployment::supervisor),
                launched.stream().map(ProcessorLauncher.Launched::replica).toList());
    }

    /**
     * Starts a supervisor when the function asks for restarts and none runs, and stops the one that runs when it
     * no longer asks. Called with the function's lock held.
     *
     * @return the deployment when its supervisor changed
     */
    private Optional<Deployment> superviseAsAsked(String name, RestartPolicy policy, Progress progress) {
        Deployment deployment = read(name).orElseThrow();
        Optional<ProcessHandle> running = deployment.supervisor().flatMap(Deployment.SupervisorProcess::process);
        if (policy.restarts() && running.isEmpty()) {
            Deployment.SupervisorProcess started = Supervisor.start(state, name);
            progress.step(
                    "supervised",
                    "restartPolicy " + policy.name().yaml() + ": supervisor pid " + started.pid() + ", log "
                            + state.file(name, StateDirectory.SUPERVISOR_LOG));
            Deployment supervised = deployment.withSupervisor(Optional.of(started));
            write(supervised);
            return Optional.of(supervised);
        }
        if (!policy.restarts() && running.isPresent()) {
            GracefulStop.stopAll(List.of(running.get()), Duration.ofSeconds(5));
            Deployment unsupervised = deployment.withSupervisor(Optional.empty());
            write(unsupervised);
            return Optional.of(unsupervised);
        }
        return Optional.empty();
    }

    private static String describe(List<ProcessorLauncher.Launched> launched) {
        return pidsOf(launched.stream().map(ProcessorLauncher.Launched::pid).toList());
    }

    private static String pids(List<ProcessHandle> processes) {
        return pidsOf(processes.stream().map(ProcessHandle::pid).toList());
    }

    private static String pidsOf(List<Long> pids) {
        return (pids.size() == 1 ? "processor pid " : pids.size() + " processors, pids ")
                + String.join(", ", pids.stream().map(String::valueOf).toList());
    }

    /** @return {@code the running one (pid 7)} or {@code the running ones (pids 7, 8)} */
    private static String theRunning(List<ProcessHandle> processes) {
        return (processes.size() == 1 ? "the running one (pid " : "the running ones (pids ")
                + String.join(
                        ", ",
                        processes.stream().map(p -> Long.toString(p.pid())).toList()) + ")";
    }

    private static String seconds(long sinceMillis) {
        return String.format("%.1f s", (System.currentTimeMillis() - sinceMillis) / 1000.0);
    }

    /** An HTTP port a running deployment holds, and whether it listens with {@code reusePort}. */
    private record HttpPort(String trigger, boolean reusePort) {}

    /** Replicas share each HTTP port, which only {@code reusePort} allows. */
    private static void checkReplicas(FunctionConfig config) {
        int replicas = config.spec().fixedReplicas();
        if (replicas == 1) {
            return;
        }
        for (TriggerConfig trigger : config.spec().triggers().values()) {
            if (HTTP_KIND.equals(trigger.kind()) && !trigger.attributes().bool(REUSE_PORT, false)) {
                throw new PlatformException("replicas " + replicas + ": trigger '" + trigger.name()
                        + "' needs reusePort: true, through which the replicas share its port (it is the default"
                        + " on Linux; other systems run one replica locally)");
            }
        }
    }

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
     * @return why the new processors cannot listen beside the running ones: a port both use where either does
     *     not set {@code reusePort}; empty when they can
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
    public String invocationUrl(String name) {
        Deployment deployment = require(name);
        if (deployment.processes().isEmpty()) {
            Path dir = state.functionDir(name);
            boolean crashed = deployment.replicas().stream().anyMatch(r -> !r.stoppedInOrder(dir));
            throw new PlatformException("function '" + name + "' is not running ("
                    + (crashed ? FunctionStatus.CRASHED : FunctionStatus.STOPPED) + "); see nucleon get " + name
                    + " and nucleon logs " + name);
        }
        if (deployment.url().isEmpty()) {
            throw new PlatformException("function '" + name + "' "
                    + (deployment.triggers().containsValue(HTTP_KIND)
                            ? "is starting (it has no URL yet); see nucleon get " + name
                            : "has no HTTP trigger (its triggers: " + deployment.triggers() + ")"));
        }
        return deployment.url();
    }

    @Override
    public List<FunctionStatus> list() {
        return state.names().stream().map(this::get).flatMap(Optional::stream).toList();
    }

    private FunctionStatus status(Deployment deployment) {
        Path dir = state.functionDir(deployment.name());
        List<ReplicaStatus> replicas = new ArrayList<>();
        for (Replica replica : deployment.replicas()) {
            if (replica.process().isEmpty()) {
                String ended = replica.stoppedInOrder(dir) ? FunctionStatus.STOPPED : FunctionStatus.CRASHED;
                replicas.add(status(replica, ended, "", OptionalLong.empty()));
                continue;
            }
            try (AdminClient admin = deployment.admin(replica)) {
                boolean ready = admin.ready();
                OptionalLong handled =
                        admin.handledEvents().map(OptionalLong::of).orElse(OptionalLong.empty());
                replicas.add(status(
                        replica, ready ? FunctionStatus.READY : FunctionStatus.NOT_READY, replica.url(), handled));
            }
        }
        String functionState = FunctionStatus.stateOf(replicas);
        boolean running = replicas.stream().anyMatch(ReplicaStatus::running);
        return new FunctionStatus(
                deployment.name(),
                functionState,
                running ? deployment.url() : "",
                deployment.triggers(),
                deployment.startedAtMillis(),
                restartPolicy(deployment.name()),
                replicas);
    }

    /**
     * The status of a deployment whose replicas were just seen ready, made without asking them again: a deploy
     * returns it, and every admin call would cost the user time before the URL is printed.
     */
    private static FunctionStatus readyStatus(Deployment deployment, FunctionConfig config) {
        return new FunctionStatus(
                deployment.name(),
                FunctionStatus.READY,
                deployment.url(),
                deployment.triggers(),
                deployment.startedAtMillis(),
                config.spec().restartPolicy().name().yaml(),
                deployment.replicas().stream()
                        .map(r -> status(r, FunctionStatus.READY, r.url(), OptionalLong.empty()))
                        .toList());
    }

    private static ReplicaStatus status(Replica replica, String state, String url, OptionalLong handled) {
        return new ReplicaStatus(
                replica.index(),
                state,
                replica.pid(),
                replica.adminPort(),
                url,
                replica.startedAtMillis(),
                handled,
                replica.restarts());
    }

    private String restartPolicy(String name) {
        try {
            return FunctionConfigLoader.load(state.file(name, StateDirectory.CONFIG))
                    .spec()
                    .restartPolicy()
                    .name()
                    .yaml();
        } catch (ConfigException e) {
            return "unknown";
        }
    }

    @Override
    public String delete(String name) {
        require(name);
        try (DeployLock lock = DeployLock.acquire(state, name, stopTimeout.plusSeconds(60), holder -> {})) {
            Deployment deployment = require(name);
            // The supervisor first, or it would restart the processors that are being stopped.
            deployment
                    .supervisor()
                    .flatMap(Deployment.SupervisorProcess::process)
                    .ifPresent(supervisor -> GracefulStop.stopAll(List.of(supervisor), Duration.ofSeconds(5)));
            String how = GracefulStop.stopAll(deployment.processes(), stopTimeout);
            state.deleteFunction(name);
            return how;
        }
    }

    @Override
    public void logs(String name, OptionalInt replica, PrintStream out, boolean follow) {
        Deployment deployment = require(name);
        if (replica.isPresent() && deployment.replicas().stream().noneMatch(r -> r.index() == replica.getAsInt())) {
            throw new PlatformException("function '" + name + "' has no replica " + replica.getAsInt() + " (it has "
                    + deployment.replicas().size() + ": 0 to "
                    + (deployment.replicas().size() - 1) + ")");
        }
        List<Replica> shown = deployment.replicas().stream()
                .filter(r -> replica.isEmpty() || r.index() == replica.getAsInt())
                .toList();
        new LogTail(state.functionDir(name), shown, shown.size() > 1)
                .copy(out, follow ? () -> stillRunning(name) : () -> false);
    }

    /** @return whether the function still has a process that can write to its logs (a replica or a supervisor) */
    private boolean stillRunning(String name) {
        return read(name)
                .map(d -> !d.processes().isEmpty()
                        || d.supervisor()
                                .flatMap(Deployment.SupervisorProcess::process)
                                .isPresent())
                .orElse(false);
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

    Optional<Deployment> read(String name) {
        return state.readDeployment(name);
    }

    private void write(Deployment deployment) {
        state.writeDeployment(deployment);
    }
}
