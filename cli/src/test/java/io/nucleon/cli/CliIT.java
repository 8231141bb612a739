package io.nucleon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
                .startsWith("hello", "ready", "http://127.0.0.1:" + port + "/", "http(http)")
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
        assertThat(redeploy.stderr()).contains("stopping ", "starting ", "ready ");
        assertThat(cli.run("invoke", "hello", "-b", "second").stdout()).isEqualTo("Hello, second!\n");
        assertThat(cli.run("export", "hello").stdout()).contains("ROUND: '2'");
        assertThat(cli.processors()).hasSize(1);
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

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
