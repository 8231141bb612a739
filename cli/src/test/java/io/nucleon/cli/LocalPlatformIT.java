package io.nucleon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local platform's process management through the real {@code nucleon} command: replicas sharing a port,
 * restarts as the restart policy asks, the lock between concurrent deploys, {@code logs -f}, and a processor
 * that dies while it starts.
 */
class LocalPlatformIT {

    private static final Pattern PID = Pattern.compile("\"pid\": (\\d+)");
    private static final Pattern HANDLED = Pattern.compile("\"index\": (\\d+),[^}]*?\"handledEvents\": (\\d+)");

    @TempDir
    Path tmp;

    private Cli cli;
    private int port;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp.resolve("home"), Files.createDirectories(tmp.resolve("work")));
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
    }

    @AfterEach
    void noProcessIsLeftRunning() throws Exception {
        cli.deleteAll();
        assertThat(cli.processors())
                .as("processors or supervisors still running")
                .isEmpty();
    }

    @Test
    void shouldRunReplicasThatShareThePortAndEachHandleConnections() throws Exception {
        Cli.Result deploy = deployHello(helloConfig("  replicas: 2\n"));
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.stderr()).contains("2 processors, pids ");
        assertThat(cli.processors()).hasSize(2);

        for (int i = 0; i < 40; i++) {
            assertThat(getOnNewConnection()).startsWith("HTTP/1.1 200").endsWith("Hello, world!");
        }

        String json = cli.run("get", "hello", "-o", "json").stdout();
        Matcher handled = HANDLED.matcher(json);
        List<Long> perReplica = new ArrayList<>();
        while (handled.find()) {
            perReplica.add(Long.parseLong(handled.group(2)));
        }
        assertThat(perReplica).as(json).hasSize(2).allMatch(n -> n > 0);
        assertThat(perReplica.stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
        assertThat(cli.run("get")
                        .stdout()
                        .lines()
                        .skip(1)
                        .findFirst()
                        .orElseThrow()
                        .split("\\s+"))
                .startsWith("hello", "ready", "2/2", "0", "http://127.0.0.1:" + port + "/");

        String logs = cli.run("logs", "hello").stdout();
        assertThat(logs.lines()).allMatch(line -> line.startsWith("[0] ") || line.startsWith("[1] "));
        assertThat(logs).contains("[0] {", "[1] {");
        assertThat(cli.run("logs", "hello", "--replica", "1").stdout())
                .doesNotContain("[1] ", "[0] ")
                .contains("\"message\":\"processor ready\"");
        Cli.Result noSuchReplica = cli.run("logs", "hello", "--replica", "2");
        assertThat(noSuchReplica.exitCode()).isEqualTo(1);
        assertThat(noSuchReplica.error()).isEqualTo("nucleon: function 'hello' has no replica 2 (it has 2: 0 to 1)");

        Cli.Result scaleDown = deployHello(helloConfig("  replicas: 1\n"));
        assertThat(scaleDown.exitCode()).as(scaleDown.toString()).isZero();
        assertThat(scaleDown.stderr()).contains("beside the running ones (pids ");
        assertThat(cli.processors()).hasSize(1);
        assertThat(getOnNewConnection()).endsWith("Hello, world!");
    }

    @Test
    void shouldRefuseReplicasOnAPortWithoutReusePort() throws Exception {
        Path config = helloConfig("  replicas: 2\n");
        Files.writeString(
                config, Files.readString(config).replace("port: 8080", "port: 8080\n        reusePort: false"));

        Cli.Result deploy = deployHello(config);

        assertThat(deploy.exitCode()).as(deploy.toString()).isEqualTo(1);
        assertThat(deploy.error())
                .isEqualTo("nucleon: replicas 2: trigger 'http' needs reusePort: true, through which the replicas"
                        + " share its port (it is the default on Linux; other systems run one replica locally)");
        assertThat(cli.processors()).isEmpty();
    }

    @Test
    void shouldRestartAFailedReplicaUpToMaximumRetryCount() throws Exception {
        Cli.Result deploy = deployHello(helloConfig("""
                  platform:
                    attributes:
                      restartPolicy:
                        name: on-failure
                        maximumRetryCount: 1
                """));
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.stderr()).contains("supervised restartPolicy on-failure: supervisor pid ");
        long first = processorPid();

        ProcessHandle.of(first).orElseThrow().destroyForcibly();

        awaitGet("\"restarts\": 1", "\"state\": \"ready\"");
        long second = processorPid();
        assertThat(second).isNotEqualTo(first);
        assertThat(cli.run("invoke", "hello", "-b", "again").stdout()).isEqualTo("Hello, again!\n");
        assertThat(cli.run("get").stdout()).contains("ready      1/1      1 ");
        Path supervisorLog = cli.home().resolve("functions/hello/supervisor.log");
        assertThat(supervisorLog)
                .content()
                .contains("replica 0 (pid " + first + ") failed; restarted as pid " + second
                        + " (restart 1 of at most 1)");
        // The restarted processor appends to the replica's log.
        assertThat(cli.run("logs", "hello").stdout().split("\"message\":\"processor ready\"", -1))
                .hasSize(3);

        ProcessHandle.of(second).orElseThrow().destroyForcibly();

        awaitFile(supervisorLog, "not restarted: it was restarted 1 times already (maximumRetryCount 1)");
        assertThat(cli.run("get", "hello", "-o", "json").stdout()).contains("\"state\": \"crashed\"");
        assertThat(cli.run("invoke", "hello").error()).contains("is not running (crashed)");

        Cli.Result delete = cli.run("delete", "hello");
        assertThat(delete.exitCode()).as(delete.toString()).isZero();
        assertThat(cli.processors()).as("the supervisor is stopped too").isEmpty();
    }

    @Test
    void shouldReportACrashWithoutRestartingWhenThePolicyDoesNotAskForIt() throws Exception {
        assertThat(deployHello(Cli.HELLO.resolve("function.yaml")).exitCode()).isZero();
        assertThat(cli.processors()).as("no supervisor").hasSize(1);

        ProcessHandle processor = ProcessHandle.of(processorPid()).orElseThrow();
        processor.destroyForcibly();
        processor.onExit().get(10, TimeUnit.SECONDS);

        assertThat(cli.run("get")
                        .stdout()
                        .lines()
                        .skip(1)
                        .findFirst()
                        .orElseThrow()
                        .split("\\s+"))
                .startsWith("hello", "crashed", "0/1", "0", "-");
        assertThat(cli.run("delete", "hello").stdout()).isEqualTo("deleted hello (was not running)\n");
    }

    @Test
    void shouldLetConcurrentDeploysOfOneNameTakeTurns() throws Exception {
        List<String> args =
                List.of("deploy", "-f", Cli.HELLO.resolve("function.yaml").toString(), "--port", "" + port);
        Process a = startCli("a", args);
        Process b = startCli("b", args);
        assertThat(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS))
                .isTrue();

        String errors = Files.readString(tmp.resolve("a.err")) + Files.readString(tmp.resolve("b.err"));
        assertThat(a.exitValue()).as(errors).isZero();
        assertThat(b.exitValue()).as(errors).isZero();
        assertThat(errors).contains("waiting   for another nucleon command on hello (pid ");
        assertThat(errors).as("the second replaced the first").contains("replaced ");
        assertThat(cli.processors()).hasSize(1);
        assertThat(cli.run("invoke", "hello", "-b", "both").stdout()).isEqualTo("Hello, both!\n");
    }

    @Test
    void shouldFollowLogsAcrossARedeployUntilTheFunctionIsDeleted() throws Exception {
        assertThat(deployHello(Cli.HELLO.resolve("function.yaml")).exitCode()).isZero();
        Process follow = startCli("follow", List.of("logs", "-f", "hello"));
        Path out = tmp.resolve("follow.out");
        awaitFile(out, "\"message\":\"processor ready\"");

        Cli.Result redeploy = cli.run(
                "deploy", "-f", Cli.HELLO.resolve("function.yaml").toString(), "--port", "" + port, "--env", "ROUND=2");
        assertThat(redeploy.exitCode()).as(redeploy.toString()).isZero();

        // The old processor's stop, then the new processor's log from its start.
        awaitFile(out, "\"message\":\"processor stopped\"");
        awaitCount(out, "\"message\":\"processor ready\"", 2);
        assertThat(follow.isAlive()).isTrue();

        assertThat(cli.run("delete", "hello").exitCode()).isZero();
        assertThat(follow.waitFor(10, TimeUnit.SECONDS))
                .as("logs -f ends when the function is deleted")
                .isTrue();
        assertThat(follow.exitValue()).isZero();
    }

    @Test
    void shouldReportAProcessorThatDiesWhileItStarts() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("doomed/demo"));
        Files.writeString(src.resolve("Doomed.java"), """
                package demo;

                import io.nucleon.function.Context;
                import io.nucleon.function.Event;
                import io.nucleon.function.Function;
                import io.nucleon.function.InitContext;
                import io.nucleon.function.Response;

                public final class Doomed implements Function {
                    @Override
                    public void init(InitContext context) {
                        throw new IllegalStateException("no database at " + context.env("DB"));
                    }

                    @Override
                    public Response handle(Context context, Event event) {
                        return Response.ok("never");
                    }
                }
                """);

        Cli.Result deploy = cli.run("deploy", "-p", tmp.resolve("doomed").toString(), "--env", "DB=db:5432");

        assertThat(deploy.exitCode()).as(deploy.toString()).isEqualTo(1);
        assertThat(deploy.error())
                .startsWith("nucleon: function 'doomed': the processor exited while starting: ")
                .contains("while starting: ")
                .contains("no database at db:5432")
                .endsWith("(full log: nucleon logs doomed)");
        assertThat(cli.processors()).isEmpty();
        assertThat(cli.run("get", "doomed", "-o", "json").stdout()).contains("\"state\": \"crashed\"");
        assertThat(cli.run("logs", "doomed").stdout()).contains("no database at db:5432");
        assertThat(cli.run("delete", "doomed").stdout()).isEqualTo("deleted doomed (was not running)\n");
    }

    private Cli.Result deployHello(Path config) throws Exception {
        return cli.run("deploy", "-f", config.toString(), "-p", helloJar().toString(), "--port", "" + port);
    }

    private static Path helloJar() {
        return Cli.HELLO.resolve("target/hello.jar");
    }

    /** The hello example's function.yaml with {@code specLines} added to its spec. */
    private Path helloConfig(String specLines) throws Exception {
        String hello = Files.readString(Cli.HELLO.resolve("function.yaml"));
        assertThat(hello).contains("\nspec:\n");
        Path config = tmp.resolve("function-" + System.nanoTime() + ".yaml");
        Files.writeString(config, hello.replace("\nspec:\n", "\nspec:\n" + specLines));
        return config;
    }

    private long processorPid() throws Exception {
        Cli.Result json = cli.run("get", "hello", "-o", "json");
        Matcher pid = PID.matcher(json.stdout());
        assertThat(pid.find()).as(json.toString()).isTrue();
        return Long.parseLong(pid.group(1));
    }

    /** One request on a connection of its own, so that the kernel picks a replica for each. */
    private String getOnNewConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    /** Starts a {@code nucleon} command without waiting; its output goes to {@code NAME.out} and {@code NAME.err}. */
    private Process startCli(String name, List<String> args) throws Exception {
        return cli.start(tmp.resolve(name + ".out"), tmp.resolve(name + ".err"), args);
    }

    private void awaitGet(String... fragments) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String json = "";
        while (System.nanoTime() < deadline) {
            json = cli.run("get", "hello", "-o", "json").stdout();
            String seen = json;
            if (List.of(fragments).stream().allMatch(seen::contains)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("get never showed " + List.of(fragments) + "; last:\n" + json);
    }

    private static void awaitFile(Path file, String fragment) throws Exception {
        awaitCount(file, fragment, 1);
    }

    private static void awaitCount(Path file, String fragment, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String text = "";
        while (System.nanoTime() < deadline) {
            text = Files.exists(file) ? Files.readString(file) : "";
            if (text.split(Pattern.quote(fragment), -1).length > count) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError(file + " never showed " + count + " x " + fragment + "; it holds:\n" + text);
    }
}
