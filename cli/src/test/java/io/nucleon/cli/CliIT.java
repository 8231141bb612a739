package io.nucleon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nucleon.cli.platform.Ports;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code nucleon} command driving real processors, with a state directory of its own per test. */
class CliIT {

    @TempDir
    Path tmp;

    private Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        cli = new Cli(tmp.resolve("home"), work);
    }

    @AfterEach
    void noProcessorIsLeftRunning() throws Exception {
        cli.deleteAll();
        assertThat(cli.processors()).as("processors still running").isEmpty();
    }

    @Test
    void shouldDeployInvokeInspectAndDeleteTheHelloExample() throws Exception {
        int port = freePort();
        Cli.Result deploy =
                cli.run("deploy", "-f", Cli.HELLO.resolve("function.yaml").toString(), "--port", "" + port);
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.stdout()).isEqualTo("http://127.0.0.1:" + port + "/\n");
        assertThat(deploy.stderr()).contains("building ", "hello.jar", "starting ", "ready ");

        Cli.Result invoke = cli.run("invoke", "hello", "-b", "Nucleon");
        assertThat(invoke.exitCode()).as(invoke.toString()).isZero();
        assertThat(invoke.stdout()).isEqualTo("Hello, Nucleon!\n");

        Cli.Result verbose = cli.run("invoke", "hello", "-v", "-H", "X-Test:1");
        assertThat(verbose.stdout())
                .startsWith("HTTP/1.1 200\n")
                .contains("content-type: text/plain")
                .endsWith("\nHello, world!\n");

        Cli.Result get = cli.run("get");
        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.stdout().lines().toList()).hasSize(2);
        assertThat(get.stdout().lines().skip(1).findFirst().orElseThrow().split("\\s+"))
                .startsWith("hello", "ready", "1/1", "0", "http://127.0.0.1:" + port + "/", "http(http)")
                .endsWith("2");

        Cli.Result json = cli.run("get", "hello", "-o", "json");
        assertThat(json.stdout())
                .contains("\"name\": \"hello\"", "\"state\": \"ready\"", "\"handledEvents\": 2")
                .contains("\"url\": \"http://127.0.0.1:" + port + "/\"");

        Cli.Result export = cli.run("export", "hello");
        assertThat(export.stdout()).contains("handler: io.nucleon.examples.hello.Hello", "port: " + port);

        Cli.Result logs = cli.run("logs", "hello");
        assertThat(logs.stdout()).contains("\"message\":\"processor ready\"", "\"message\":\"hello function ready\"");

        Path state = cli.home().resolve("functions/hello");
        assertThat(Files.getPosixFilePermissions(state)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(state.resolve("deployment.json")).exists();
        assertThat(state.resolve("processor.log")).exists();

        Cli.Result delete = cli.run("delete", "hello");
        assertThat(delete.exitCode()).as(delete.toString()).isZero();
        assertThat(delete.stdout()).isEqualTo("deleted hello (stopped gracefully)\n");
        assertThat(state).doesNotExist();
        assertThat(cli.processors()).isEmpty();
    }

    @Test
    void shouldReplaceARunningDeploymentOnRedeploy() throws Exception {
        int port = freePort();
        String config = Cli.HELLO.resolve("function.yaml").toString();
        assertThat(cli.run("deploy", "-f", config, "--port", "" + port).exitCode())
                .isZero();
        assertThat(cli.run("invoke", "hello", "-b", "first").stdout()).isEqualTo("Hello, first!\n");

        Cli.Result redeploy = cli.run("deploy", "-f", config, "--port", "" + port, "--env", "ROUND=2");

        assertThat(redeploy.exitCode()).as(redeploy.toString()).isZero();
        assertThat(redeploy.stderr()).contains("starting ", "beside the running one", "ready ", "replaced ");
        assertThat(cli.run("invoke", "hello", "-b", "second").stdout()).isEqualTo("Hello, second!\n");
        assertThat(cli.run("export", "hello").stdout()).contains("ROUND: '2'", "reusePort: true");
        assertThat(cli.processors()).hasSize(1);
        Path state = cli.home().resolve("functions/hello");
        assertThat(state.resolve("processor.previous.log")).content().contains("\"message\":\"processor stopped\"");
        try (var files = Files.list(state)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .as("only the new processor's files are left")
                    .containsExactlyInAnyOrder(
                            "function.yaml",
                            "deployment.json",
                            "admin.token",
                            "processor.log",
                            "processor.previous.log",
                            "code-2");
        }
    }

    @Test
    void shouldProtectTheAdminApiWithAPerDeploymentToken() throws Exception {
        int port = freePort();
        assertThat(cli.run("deploy", "-f", Cli.HELLO.resolve("function.yaml").toString(), "--port", "" + port)
                        .exitCode())
                .isZero();
        Path tokenFile = cli.home().resolve("functions/hello/admin.token");
        assertThat(Files.getPosixFilePermissions(tokenFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String token = Files.readString(tokenFile).strip();
        assertThat(token).matches("[A-Za-z0-9_-]{43}"); // 32 bytes, URL-safe base64 without padding
        assertThat(cli.processors().getFirst().info().commandLine().orElse(""))
                .contains("--admin-token-file " + tokenFile);
        assertThat(cli.run("invoke", "hello", "-b", "x").exitCode()).isZero();

        Cli.Result json = cli.run("get", "hello", "-o", "json");
        Matcher adminPort = Pattern.compile("\"adminPort\": (\\d+)").matcher(json.stdout());
        assertThat(adminPort.find()).as(json.toString()).isTrue();
        URI status = URI.create("http://127.0.0.1:" + adminPort.group(1) + "/status");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> anonymous =
                    http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            HttpResponse<String> withToken = http.send(
                    HttpRequest.newBuilder(status)
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(withToken.statusCode()).isEqualTo(200);
        }
        // get reads /metrics (token required) for HANDLED, and /ready (open)
        assertThat(json.stdout()).contains("\"state\": \"ready\"", "\"handledEvents\": 1");
        Cli.Result get = cli.run("get");
        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.stdout().lines().skip(1).findFirst().orElseThrow().split("\\s+"))
                .startsWith("hello", "ready")
                .endsWith("1");
        Cli.Result yaml = cli.run("get", "-o", "yaml");
        assertThat(yaml.exitCode()).as(yaml.toString()).isZero();
        assertThat(yaml.stdout())
                .startsWith("- name: hello\n")
                .contains("  state: ready\n", "  url: http://127.0.0.1:" + port + "/\n", "  handledEvents: 1\n");
    }

    @Test
    void shouldPrintABashCompletionScript() throws Exception {
        Cli.Result completion = cli.run("completion");

        assertThat(completion.exitCode()).as(completion.toString()).isZero();
        assertThat(completion.stdout())
                .contains("complete -F _complete_nucleon", "deploy", "invoke", "completion", "--env");
        Cli.Result badOutput = cli.run("get", "-o", "xml");
        assertThat(badOutput.exitCode()).isEqualTo(2);
        assertThat(badOutput.error()).isEqualTo("nucleon: -o: must be text, json or yaml, got 'xml'");
    }

    @Test
    void shouldRedeployUnderLoadWithZeroFailedRequests() throws Exception {
        int port = freePort();
        String config = Cli.HELLO.resolve("function.yaml").toString();
        assertThat(cli.run("deploy", "-f", config, "--port", "" + port).exitCode())
                .isZero();
        long oldPid = pid();

        HttpLoad load = new HttpLoad(port);
        try {
            await(() -> load.answered.sum() >= 50, "the load to get answers", load);
            long started = System.nanoTime();
            Cli.Result redeploy = cli.run("deploy", "-f", config, "--port", "" + port, "--env", "ROUND=2");
            double redeploySeconds = (System.nanoTime() - started) / 1e9;
            assertThat(redeploy.exitCode()).as(redeploy.toString()).isZero();
            // The old processor has exited when deploy returns, so every answer from here on is the new one's.
            long answeredBefore = load.answered.sum();
            long switched = System.nanoTime();
            await(
                    () -> System.nanoTime() - switched >= 1_000_000_000L && load.answered.sum() > answeredBefore,
                    "a second of load on the new processor",
                    load);
            load.close();

            if (kernelMigratesQueuedConnections()) {
                assertThat(load.failures()).as(load.report()).isEmpty();
            } else {
                // Without net.ipv4.tcp_migrate_req=1, Linux resets the connections that were still in the old
                // processor's accept queue when it closed its listening socket: only those may fail.
                System.out.println("net.ipv4.tcp_migrate_req is 0: fresh connections queued on the old processor's"
                        + " socket when it closes are reset by the kernel (see docs/cli.md); .ci/run sets it to 1");
                assertThat(load.failures())
                        .as(load.report())
                        .allMatch(failure -> failure.startsWith("fresh: ") && failure.contains("Connection reset"))
                        .hasSizeLessThanOrEqualTo(3);
            }
            assertThat(load.answered.sum()).isGreaterThan(answeredBefore);
            assertThat(pid()).isNotEqualTo(oldPid);
            assertThat(ProcessHandle.of(oldPid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(cli.processors()).hasSize(1);
            System.out.printf(
                    "redeploy under load: %s answeredAfterSwitch=%d redeploy=%.2f s%n",
                    load.report(), load.answered.sum() - answeredBefore, redeploySeconds);
        } finally {
            load.close();
        }
    }

    @Test
    void shouldStopFirstWhenTheFunctionSetsReusePortFalse() throws Exception {
        int port = freePort();
        Path config = Files.writeString(
                tmp.resolve("function.yaml"),
                Files.readString(Cli.HELLO.resolve("function.yaml"))
                        .replace("maxRequestBodySize: 1Mi", "maxRequestBodySize: 1Mi\n        reusePort: false"));
        Files.createDirectories(tmp.resolve("target"));
        Files.copy(Cli.HELLO.resolve("target/hello.jar"), tmp.resolve("target/hello.jar"));
        assertThat(cli.run("deploy", "-f", config.toString(), "--port", "" + port)
                        .exitCode())
                .isZero();

        Cli.Result redeploy = cli.run("deploy", "-f", config.toString(), "--port", "" + port);

        assertThat(redeploy.exitCode()).as(redeploy.toString()).isZero();
        assertThat(redeploy.stderr())
                .contains("first, because trigger 'http' sets reusePort: false: requests are refused until the new"
                        + " one is ready");
        assertThat(cli.run("invoke", "hello", "-b", "again").stdout()).isEqualTo("Hello, again!\n");
        assertThat(cli.processors()).hasSize(1);
    }

    @Test
    void shouldKeepTheRunningProcessorWhenTheNewOneFailsToStart() throws Exception {
        Path src = writeSources("moody", "Moody.java", """
                package demo;

                import io.nucleon.function.Context;
                import io.nucleon.function.Event;
                import io.nucleon.function.Function;
                import io.nucleon.function.InitContext;
                import io.nucleon.function.Response;

                public final class Moody implements Function {
                    private String mood;

                    @Override
                    public void init(InitContext context) {
                        mood = context.env("MOOD");
                        if (mood.equals("broken")) {
                            throw new IllegalStateException("MOOD is broken");
                        }
                    }

                    @Override
                    public Response handle(Context context, Event event) {
                        return Response.ok(mood);
                    }
                }
                """);
        Cli.Result deploy = cli.run("deploy", "-p", src.toString(), "--env", "MOOD=fine");
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        String url = deploy.stdout().strip();
        long pid = pid("moody");

        Cli.Result broken = cli.run("deploy", "-p", src.toString(), "--env", "MOOD=broken");

        assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(1);
        assertThat(broken.stderr()).contains("beside the running one");
        assertThat(broken.error())
                .startsWith("nucleon: function 'moody': the processor exited while starting: ")
                .endsWith("; the running processor (pid " + pid + ") goes on serving");
        assertThat(cli.run("invoke", "moody").stdout()).isEqualTo("fine");
        assertThat(pid("moody")).isEqualTo(pid);
        assertThat(cli.run("get", "moody", "-o", "json").stdout()).contains("\"url\": \"" + url + "\"");
        assertThat(cli.run("export", "moody").stdout()).contains("MOOD: fine");
        Path state = cli.home().resolve("functions/moody");
        assertThat(state.resolve("processor.failed.log")).content().contains("MOOD is broken");
        try (var files = Files.list(state)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder(
                            "function.yaml",
                            "deployment.json",
                            "admin.token",
                            "processor.log",
                            "processor.failed.log",
                            "code-1");
        }
        // generated configs keep the running deployment's port on redeploy
        Cli.Result again = cli.run("deploy", "-p", src.toString(), "--env", "MOOD=better");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout().strip()).isEqualTo(url);
        assertThat(again.stderr()).contains("beside the running one", "replaced ");
        assertThat(cli.run("invoke", "moody").stdout()).isEqualTo("better");
    }

    /** Linux 5.14+: a closing listener's queued connections move to another socket of its reuseport group. */
    private static boolean kernelMigratesQueuedConnections() throws Exception {
        Path sysctl = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
        return Files.isReadable(sysctl) && Files.readString(sysctl).strip().equals("1");
    }

    private long pid() throws Exception {
        return pid("hello");
    }

    private long pid(String name) throws Exception {
        Cli.Result json = cli.run("get", name, "-o", "json");
        Matcher pid = Pattern.compile("\"pid\": (\\d+)").matcher(json.stdout());
        assertThat(pid.find()).as(json.toString()).isTrue();
        return Long.parseLong(pid.group(1));
    }

    private static void await(BooleanSupplier condition, String what, HttpLoad load) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + ": " + load.report());
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    @Test
    void shouldCompileSourcesOnTheFlyAndFindTheHandler() throws Exception {
        Path src = writeSources("greeter", "Greeter.java", """
                package demo;

                import io.nucleon.function.Context;
                import io.nucleon.function.Event;
                import io.nucleon.function.Function;
                import io.nucleon.function.InitContext;
                import io.nucleon.function.Response;

                public final class Greeter implements Function {
                    private String greeting;

                    @Override
                    public void init(InitContext context) {
                        greeting = context.env("GREETING");
                    }

                    @Override
                    public Response handle(Context context, Event event) {
                        return Response.ok(greeting + ", " + event.bodyString() + "!");
                    }
                }
                """);

        Cli.Result deploy = cli.run("deploy", "-p", src.toString(), "--env", "GREETING=Hi");
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.stderr()).contains("compiling sources");

        Cli.Result invoke = cli.run("invoke", "greeter", "-b", "Ada", "--fail");
        assertThat(invoke.exitCode()).as(invoke.toString()).isZero();
        assertThat(invoke.stdout()).isEqualTo("Hi, Ada!");

        assertThat(cli.run("export", "greeter").stdout()).contains("handler: demo.Greeter", "GREETING: Hi");
    }

    @Test
    void shouldShowCompileErrorsWithFileAndLineAndKeepTheRunningDeployment() throws Exception {
        int port = freePort();
        assertThat(cli.run("deploy", "-f", Cli.HELLO.resolve("function.yaml").toString(), "--port", "" + port)
                        .exitCode())
                .isZero();
        Path src = writeSources("broken", "Broken.java", """
                package demo;

                public final class Broken implements io.nucleon.function.Function {
                    public io.nucleon.function.Response handle(io.nucleon.function.Context c, io.nucleon.function.Event e) {
                        return notAMethod();
                    }
                }
                """);

        Cli.Result deploy = cli.run("deploy", "hello", "-p", src.toString());

        assertThat(deploy.exitCode()).isEqualTo(2);
        assertThat(deploy.stderr())
                .contains("nucleon: compilation failed:", "Broken.java:5: error: cannot find symbol");
        Cli.Result invoke = cli.run("invoke", "hello", "-b", "still here");
        assertThat(invoke.stdout()).as(invoke.toString()).isEqualTo("Hello, still here!\n");
    }

    @Test
    void shouldRefuseAPortInUseBeforeStartingAnything() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Cli.Result deploy = cli.run(
                    "deploy", "-f", Cli.HELLO.resolve("function.yaml").toString(), "--port", "" + taken.getLocalPort());

            assertThat(deploy.exitCode()).isEqualTo(1);
            assertThat(deploy.error())
                    .isEqualTo("nucleon: trigger 'http': port " + taken.getLocalPort()
                            + " is in use; choose another with --port (or stop what listens there)");
            assertThat(cli.home().resolve("functions/hello")).doesNotExist();
        }
    }

    @Test
    void shouldExplainAnUnknownFunction() throws Exception {
        for (String[] command : new String[][] {
            {"invoke", "nope"}, {"get", "nope"}, {"logs", "nope"}, {"delete", "nope"}, {"export", "nope"}
        }) {
            Cli.Result result = cli.run(command);
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
            assertThat(result.stderr().strip())
                    .isEqualTo("nucleon: function 'nope' not found (nucleon get lists the deployed functions)");
        }
    }

    @Test
    void shouldRejectInvalidYamlWithTheLoadersMessage() throws Exception {
        Path config = Files.writeString(tmp.resolve("bad.yaml"), """
                metadata:
                  name: bad
                spec:
                  handler: demo.Bad
                  triggers:
                    web:
                      kind: http
                      numWorkers: lots
                """);

        Cli.Result deploy = cli.run("deploy", "-f", config.toString());

        assertThat(deploy.exitCode()).isEqualTo(2);
        assertThat(deploy.error())
                .isEqualTo("nucleon: " + config
                        + " line 8: spec.triggers.web.numWorkers: must be an integer from 1 to 1024, got 'lots'");
    }

    @Test
    void shouldExplainAMissingHandlerClassAndAMissingPath() throws Exception {
        Cli.Result missingClass = cli.run(
                "deploy", "-p", Cli.HELLO.resolve("target/hello.jar").toString(), "--handler", "com.example.Nope");
        assertThat(missingClass.exitCode()).isEqualTo(2);
        assertThat(missingClass.error())
                .startsWith("nucleon: handler class 'com.example.Nope' not found in ")
                .endsWith("hello.jar");

        Cli.Result missingPath = cli.run("deploy", "-p", "no/such/dir");
        assertThat(missingPath.exitCode()).isEqualTo(2);
        assertThat(missingPath.error()).isEqualTo("nucleon: -p: 'no/such/dir' does not exist");

        Cli.Result kube = cli.run("get", "--platform", "kube");
        assertThat(kube.exitCode()).isEqualTo(1);
        assertThat(kube.stderr()).contains("the Kubernetes platform is not available yet");
    }

    private Path writeSources(String dir, String file, String source) throws Exception {
        Path root = Files.createDirectories(tmp.resolve(dir).resolve("demo"));
        Files.writeString(root.resolve(file), source);
        return tmp.resolve(dir);
    }

    private static int freePort() {
        return Ports.free();
    }
}
