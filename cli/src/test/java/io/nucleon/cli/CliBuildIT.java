package io.nucleon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nucleon.cli.platform.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nucleon deploy} building code with Maven (a project's pom.xml, {@code spec.build.dependencies}) and
 * its {@code --triggers} and {@code --replicas} flags, through the real CLI and processors. Each test runs Maven
 * at most once: a Maven run takes seconds.
 */
class CliBuildIT {

    /** Maven starts a JVM, and may download what the local repository lacks. */
    private static final Duration MAVEN_DEPLOY = Duration.ofMinutes(5);

    private static final Path PROJECTS =
            Path.of(System.getProperty("nucleon.test.projects", "src/test/resources/projects"));
    private static final String NUCLEON_VERSION = System.getProperty("nucleon.version", "0.1.0-SNAPSHOT");

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
    void shouldBuildAMavenProjectAndPutItsRuntimeDependenciesOnTheClasspath() throws Exception {
        Path project = copyProject("shout");
        int port = freePort();

        Cli.Result deploy = cli.run(MAVEN_DEPLOY, "deploy", "-p", project.toString(), "--port", "" + port);

        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.stderr()).contains("building  " + project + " (mvn package)");
        assertThat(deploy.stdout()).isEqualTo("http://127.0.0.1:" + port + "/\n");
        Cli.Result invoke = cli.run("invoke", "shout", "-b", "hello", "--fail");
        assertThat(invoke.stdout()).as(invoke.toString()).isEqualTo("OLLEH");
        assertThat(codeFiles("shout"))
                .as("the project's jar and its runtime dependencies; not function-api, which the processor has")
                .containsExactlyInAnyOrder("shout-1.0.jar", "lib/commons-lang3-3.17.0.jar");
    }

    @Test
    void shouldBuildAMavenProjectGivenByARelativePath() throws Exception {
        Path project = copyProject("shout");
        Path relative = tmp.resolve("work").relativize(project);

        Cli.Result deploy = cli.run(MAVEN_DEPLOY, "deploy", "-p", relative.toString(), "--port", "" + freePort());

        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(cli.run("invoke", "shout", "-b", "abc", "--fail").stdout()).isEqualTo("CBA");
    }

    @Test
    void shouldDeployTheFunctionYamlOfADirectoryGivenWithPAlone() throws Exception {
        Path project = copyProject("titles");

        Cli.Result deploy = cli.run(MAVEN_DEPLOY, "deploy", "-p", project.toString(), "--port", "" + freePort());

        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.stderr()).contains("config    " + project.resolve("function.yaml") + " (found in -p");
        Cli.Result invoke = cli.run("invoke", "titles", "-b", "a tale", "--fail");
        assertThat(invoke.stdout())
                .as("the file's name and spec.build dependencies were used")
                .isEqualTo("A Tale");
    }

    @Test
    void shouldResolveSpecBuildDependenciesForJavaSources() throws Exception {
        Path project = copyProject("titles");
        int port = freePort();

        Cli.Result deploy = cli.run(
                MAVEN_DEPLOY, "deploy", "-f", project.resolve("function.yaml").toString(), "--port", "" + port);

        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.stderr())
                .contains("resolving org.apache.commons:commons-text:1.12.0 (spec.build.dependencies")
                .contains("building  " + project + " (compiling sources)");
        Cli.Result invoke = cli.run("invoke", "titles", "-b", "  the   QUICK brown fox ", "--fail");
        assertThat(invoke.stdout()).as(invoke.toString()).isEqualTo("The Quick Brown Fox");
        assertThat(codeFiles("titles"))
                .as("commons-text and the commons-lang3 it depends on")
                .contains("lib/commons-text-1.12.0.jar")
                .anyMatch(file -> file.matches("lib/commons-lang3-[0-9.]+\\.jar"));
    }

    @Test
    void shouldShowMavensCompileErrorsAndKeepTheRunningDeployment() throws Exception {
        int port = freePort();
        assertThat(cli.run("deploy", "-f", Cli.HELLO.resolve("function.yaml").toString(), "--port", "" + port)
                        .exitCode())
                .isZero();
        Path project = copyProject("shout");
        Files.delete(project.resolve("src/main/java/demo/Shout.java"));
        Files.writeString(project.resolve("src/main/java/demo/Broken.java"), """
                package demo;

                public final class Broken implements io.nucleon.function.Function {
                    public io.nucleon.function.Response handle(io.nucleon.function.Context c, io.nucleon.function.Event e) {
                        return notAMethod();
                    }
                }
                """);

        Cli.Result deploy = cli.run(MAVEN_DEPLOY, "deploy", "hello", "-p", project.toString());

        assertThat(deploy.exitCode()).as(deploy.toString()).isEqualTo(2);
        assertThat(deploy.stderr())
                .contains("nucleon: mvn package failed in " + project + ":")
                .contains(project.resolve("src/main/java/demo/Broken.java") + ":[5,")
                .contains("cannot find symbol", "symbol:   method notAMethod()")
                .doesNotContain("[ERROR]", "[Help 1]", "starting ");
        Cli.Result invoke = cli.run("invoke", "hello", "-b", "still here");
        assertThat(invoke.stdout()).as(invoke.toString()).isEqualTo("Hello, still here!\n");
        assertThat(cli.processors()).hasSize(1);
    }

    @Test
    void shouldNameASpecBuildDependencyThatCannotBeResolved() throws Exception {
        Path project = copyProject("titles");
        Path config = project.resolve("function.yaml");
        Files.writeString(
                config,
                Files.readString(config)
                        .replace(
                                "- org.apache.commons:commons-text:1.12.0",
                                "- invalid.nucleon.test:no-such-library:1.0"));

        Cli.Result deploy = cli.run(MAVEN_DEPLOY, "deploy", "-f", config.toString());

        assertThat(deploy.exitCode()).as(deploy.toString()).isEqualTo(2);
        assertThat(deploy.error())
                .startsWith(
                        "nucleon: spec.build.dependencies: cannot resolve invalid.nucleon.test:no-such-library:1.0: ")
                .doesNotContain("\n");
        assertThat(deploy.stderr()).doesNotContain("building ", "starting ");
        assertThat(cli.home().resolve("functions/titles")).doesNotExist();
    }

    @Test
    void shouldMoveTheHttpTriggerWithTriggersJson() throws Exception {
        int port = freePort();
        String triggers =
                "{\"web\": {\"kind\": \"http\", \"numWorkers\": 3, \"attributes\": {\"port\": " + port + "}}}";

        Cli.Result deploy =
                cli.run("deploy", "-f", Cli.HELLO.resolve("function.yaml").toString(), "--triggers", triggers);

        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.stdout()).isEqualTo("http://127.0.0.1:" + port + "/\n");
        Cli.Result invoke = cli.run("invoke", "hello", "-b", "web");
        assertThat(invoke.stdout()).as(invoke.toString()).isEqualTo("Hello, web!\n");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> direct = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .POST(HttpRequest.BodyPublishers.ofString("port"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(direct.body()).isEqualTo("Hello, port!\n");
        }
        assertThat(cli.run("export", "hello").stdout())
                .contains("  triggers:\n    web:\n", "numWorkers: 3", "port: " + port)
                .doesNotContain("    http:\n", "workerAvailabilityTimeoutMilliseconds");
    }

    @Test
    void shouldRejectBadTriggersAndReplicasBeforeDeployingAnything() throws Exception {
        String hello = Cli.HELLO.resolve("function.yaml").toString();

        Cli.Result badJson = cli.run("deploy", "-f", hello, "--triggers", "{\"web\": {\"kind\": \"http\"}");
        assertThat(badJson.exitCode()).as(badJson.toString()).isEqualTo(2);
        assertThat(badJson.error()).matches("nucleon: --triggers: invalid JSON at line 1, column \\d+: .+");

        Cli.Result notAnObject = cli.run("deploy", "-f", hello, "--triggers", "[\"web\"]");
        assertThat(notAnObject.exitCode()).isEqualTo(2);
        assertThat(notAnObject.error()).startsWith("nucleon: --triggers: must be a JSON object of triggers by name");

        Cli.Result zero = cli.run("deploy", "-f", hello, "--replicas", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.error()).isEqualTo("nucleon: --replicas: must be from 1 to 1000, got 0");

        Cli.Result notANumber = cli.run("deploy", "-f", hello, "--replicas", "x");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.error()).contains("--replicas", "'x' is not an int");

        Path capped = Files.writeString(
                tmp.resolve("function.yaml"),
                Files.readString(Cli.HELLO.resolve("function.yaml")).replace("spec:\n", "spec:\n  maxReplicas: 2\n"));
        Files.createDirectories(tmp.resolve("target"));
        Files.copy(Cli.HELLO.resolve("target/hello.jar"), tmp.resolve("target/hello.jar"));
        Cli.Result conflict = cli.run("deploy", "-f", capped.toString(), "--replicas", "3");
        assertThat(conflict.exitCode()).as(conflict.toString()).isEqualTo(2);
        assertThat(conflict.error()).startsWith("nucleon: --replicas 3: spec.");

        assertThat(cli.home().resolve("functions/hello")).doesNotExist();
    }

    /** A copy of a project under src/test/resources/projects, so that its build writes into the test's folder. */
    private Path copyProject(String name) throws Exception {
        Path from = PROJECTS.resolve(name);
        Path to = tmp.resolve(name);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.writeString(target, Files.readString(file).replace("@nucleon.version@", NUCLEON_VERSION));
                }
            }
        }
        return to;
    }

    /** @return the running deployment's code files, relative to its code directory */
    private List<String> codeFiles(String function) throws Exception {
        Path state = cli.home().resolve("functions").resolve(function);
        try (Stream<Path> dirs = Files.list(state)) {
            Path code = dirs.filter(dir -> dir.getFileName().toString().startsWith("code-"))
                    .findFirst()
                    .orElseThrow();
            try (Stream<Path> files = Files.walk(code)) {
                return files.filter(Files::isRegularFile)
                        .map(file -> code.relativize(file).toString())
                        .filter(file -> file.endsWith(".jar"))
                        .toList();
            }
        }
    }

    private static int freePort() {
        return Ports.free();
    }
}
