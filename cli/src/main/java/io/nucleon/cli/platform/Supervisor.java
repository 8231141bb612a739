package io.nucleon.cli.platform;

import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.config.RestartPolicy;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Restarts the replicas of one function that end by themselves, as its {@code restartPolicy} asks. It runs as a
 * process of its own ({@code nucleon supervise}, started by {@code deploy}, detached), watches the processes
 * that {@code deployment.json} names, and restarts one that ended under the function's lock, after re-reading
 * the state: a replica that a deploy or a delete stopped is no longer named there, so it is not restarted.
 *
 * <p>Whether a processor failed is read from its log, since the supervisor is not its parent: one that logged
 * its orderly stop ({@code processor stopped}, after a SIGTERM) ended in order; any other end (a crash, a kill,
 * an error at start) is a failure. Restarts of a replica that fails again within {@value #QUICK_FAILURE_SECONDS}
 * s of its start back off: 1 s, 2 s, 4 s, ... up to 30 s. It exits when the function is deleted, when it is
 * no longer the function's supervisor, or when the policy no longer asks for restarts.
 */
public final class Supervisor {

    static final int QUICK_FAILURE_SECONDS = 10;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration LOCK_WAIT = Duration.ofMinutes(10);

    private final StateDirectory state;
    private final String name;
    private final PrintStream log;
    private final long self = ProcessHandle.current().pid();
    private final Set<Long> givenUp = new HashSet<>();
    private final Map<Integer, Integer> quickFailures = new HashMap<>();

    /**
     * @param state the state directory
     * @param name the function to supervise
     * @param log where to write what it does, one line per event
     */
    public Supervisor(StateDirectory state, String name, PrintStream log) {
        this.state = state;
        this.name = name;
        this.log = log;
    }

    /**
     * Starts {@code nucleon supervise} for a function: this JVM's java and class path, in a session of its own,
     * its output appended to {@code supervisor.log}.
     *
     * @return the started process
     */
    static Deployment.SupervisorProcess start(StateDirectory state, String name) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            command.add(setsid.toString());
        }
        command.addAll(List.of(
                java.toString(),
                "-Xmx32m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.nucleon.cli.Main",
                "supervise",
                "--state-dir",
                state.home().toString(),
                name));
        Path logFile = state.file(name, StateDirectory.SUPERVISOR_LOG);
        try {
            if (!Files.exists(logFile)) {
                StateDirectory.createPrivateFile(logFile);
            }
            Process process = new ProcessBuilder(command)
                    .directory(state.functionDir(name).toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            return Deployment.SupervisorProcess.of(process.toHandle());
        } catch (IOException e) {
            throw new PlatformException("cannot start the supervisor of '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Watches until the function is deleted, handed to another supervisor, or no longer asks for restarts. */
    public void run() {
        say("supervising " + name);
        while (true) {
            Optional<Deployment> deployment = state.readDeployment(name);
            if (deployment.isEmpty()) {
                say("function deleted; exiting");
                return;
            }
            if (!isMine(deployment.get())) {
                say("no longer this function's supervisor; exiting");
                return;
            }
            RestartPolicy policy = policy();
            if (!policy.restarts()) {
                say("the restart policy is no longer asking for restarts; exiting");
                return;
            }
            for (Replica replica : deployment.get().replicas()) {
                if (replica.process().isEmpty() && !givenUp.contains(replica.pid())) {
                    ended(replica, policy);
                }
            }
            sleep(POLL);
        }
    }

    private boolean isMine(Deployment deployment) {
        return deployment.supervisor().map(s -> s.pid() == self).orElse(false);
    }

    private RestartPolicy policy() {
        try {
            return FunctionConfigLoader.load(state.file(name, StateDirectory.CONFIG))
                    .spec()
                    .restartPolicy();
        } catch (ConfigException e) {
            return RestartPolicy.NO;
        }
    }

    private void ended(Replica replica, RestartPolicy policy) {
        Path dir = state.functionDir(name);
        boolean failed = !replica.stoppedInOrder(dir);
        String what = "replica " + replica.index() + " (pid " + replica.pid() + ") "
                + (failed ? "failed" : "ended after an orderly stop");
        if (!policy.restartsAfter(failed)) {
            say(what + "; restartPolicy " + policy.name().yaml() + " does not restart it");
            givenUp.add(replica.pid());
            return;
        }
        if (policy.maximumRetryCount() > 0 && replica.restarts() >= policy.maximumRetryCount()) {
            say(what + "; not restarted: it was restarted " + replica.restarts() + " times already (maximumRetryCount "
                    + policy.maximumRetryCount() + ")");
            givenUp.add(replica.pid());
            return;
        }
        Duration backoff = backoff(replica);
        if (!backoff.isZero()) {
            say(what + " within " + QUICK_FAILURE_SECONDS + " s of its start; restarting it in " + backoff.toMillis()
                    + " ms");
            sleep(backoff);
        }
        try (DeployLock lock = DeployLock.acquire(state, name, LOCK_WAIT, holder -> {})) {
            Optional<Deployment> current = state.readDeployment(name);
            Optional<Replica> same = current.flatMap(d -> d.replicas().stream()
                    .filter(r -> r.index() == replica.index() && r.pid() == replica.pid())
                    .findFirst());
            if (current.isEmpty() || !isMine(current.get()) || same.isEmpty()) {
                return; // deleted, or replaced by a deploy meanwhile
            }
            Deployment deployment = current.get();
            ProcessorLauncher.Command command = new ProcessorLauncher.Command(
                    Path.of(deployment.processor()),
                    state.file(name, StateDirectory.CONFIG),
                    Path.of(deployment.adminTokenFile()),
                    deployment.classpath());
            ProcessorLauncher.Launched launched = new ProcessorLauncher(dir)
                    .launch(command, replica.index(), replica.log(), true, replica.restarts() + 1);
            state.writeDeployment(deployment.withReplica(launched.replica().withUrl(replica.url())));
            say(what + "; restarted as pid " + launched.pid() + " (restart " + (replica.restarts() + 1)
                    + (policy.maximumRetryCount() > 0 ? " of at most " + policy.maximumRetryCount() : "") + ")");
        } catch (PlatformException e) {
            say(what + "; cannot restart it: " + e.getMessage());
        }
    }

    /** Zero for a replica that ran a while; doubling delays for one that keeps failing soon after its start. */
    private Duration backoff(Replica replica) {
        boolean quick = System.currentTimeMillis() - replica.startedAtMillis() < QUICK_FAILURE_SECONDS * 1000L;
        int failures = quick ? quickFailures.merge(replica.index(), 1, Integer::sum) : 0;
        if (!quick) {
            quickFailures.remove(replica.index());
            return Duration.ZERO;
        }
        long millis = 1000L << Math.min(failures - 1, 5);
        return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    }

    private void say(String line) {
        log.println(Instant.now() + " " + line);
        log.flush();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted");
        }
    }
}
