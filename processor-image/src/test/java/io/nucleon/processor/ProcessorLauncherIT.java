package io.nucleon.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged {@code bin/nucleon-processor}, run as a separate process the way a user runs it. */
class ProcessorLauncherIT {

    private static final Path TEST_CLASSES = Path.of("target/test-classes").toAbsolutePath();

    @TempDir
    Path workDir;

    @Test
    void shouldRunTheHelloExampleEndToEnd() throws Exception {
        int port = ProcessorProcess.freePort();
        Path config = copyHelloConfig(port);
        Path jar = Path.of(System.getProperty("nucleon.hello.jar"));

        try (ProcessorProcess processor = ProcessorProcess.start(workDir, config, port, "--classpath", jar.toString());
                HttpClient client = HttpClient.newHttpClient()) {
            processor.awaitReady(Duration.ofSeconds(30));

            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(processor.uri("/"))
                            .POST(HttpRequest.BodyPublishers.ofString("Ada"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("Hello, Ada!\n");
            assertThat(processor.log()).contains("\"message\":\"processor ready\"", "\"level\":\"info\"");
        }
    }

    @Test
    void shouldCompleteInFlightRequestsOnSigtermAndExitZero() throws Exception {
        int port = ProcessorProcess.freePort();
        Path config = write("slow.yaml", """
                metadata:
                  name: slow
                spec:
                  handler: io.nucleon.processor.SlowFunction
                  triggers:
                    http:
                      kind: http
                      numWorkers: 4
                      attributes:
                        host: 127.0.0.1
                        port: %d
                """.formatted(port));

        try (ProcessorProcess processor =
                        ProcessorProcess.start(workDir, config, port, "--classpath", TEST_CLASSES.toString());
                HttpClient client = HttpClient.newHttpClient()) {
            processor.awaitReady(Duration.ofSeconds(30));
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                inFlight.add(client.sendAsync(
                        HttpRequest.newBuilder(processor.uri("/"))
                                .POST(HttpRequest.BodyPublishers.ofString("1500"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            awaitGauge(processor, "nucleon_worker_pool_busy_workers", 4);

            processor.process.destroy(); // SIGTERM

            for (CompletableFuture<HttpResponse<String>> request : inFlight) {
                HttpResponse<String> response = request.get(20, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("done after 1500 ms");
            }
            assertThat(processor.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(processor.process.exitValue()).as(processor.log()).isZero();
            assertThat(processor.log()).contains("\"message\":\"draining\"", "\"message\":\"processor stopped\"");
        }
    }

    @Test
    void shouldKeepAClassArchiveOnlyFromARunThatBecameReadyAndThenUseIt() throws Exception {
        Path archives = workDir.resolve("cds");
        java.util.Map<String, String> env = java.util.Map.of("NUCLEON_CDS_DIR", archives.toString());
        Path missingHandler = write("missing-handler.yaml", """
                metadata:
                  name: missing
                spec:
                  handler: com.example.DoesNotExist
                  triggers:
                    web:
                      kind: http
                      attributes:
                        host: 127.0.0.1
                        port: 0
                """);
        ProcessorProcess.Result failed =
                ProcessorProcess.run(workDir, env, "--config", missingHandler.toString(), "--admin-port", "0");
        assertThat(failed.exitCode()).isEqualTo(Main.EXIT_CANNOT_START);
        assertThat(failed.stdout()).as("no JVM notes among the JSON lines").isEmpty();
        assertThat(files(archives, ".jsa.ok"))
                .as("a run that failed does not vouch for its archive")
                .isEmpty();

        int port = ProcessorProcess.freePort();
        runUntilReadyThenStop(env, slowConfig(port), port);
        List<Path> archive = files(archives, ".jsa");
        assertThat(archive).hasSize(1);
        assertThat(files(archives, ".jsa.ok")).hasSize(1);
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(archive.getFirst());

        String log = runUntilReadyThenStop(env, slowConfig(port), port);
        assertThat(Files.getLastModifiedTime(archive.getFirst()))
                .as("the JVM found the archive valid, so it did not write it again")
                .isEqualTo(written);
        assertThat(log.lines()).allMatch(line -> line.startsWith("{"), "only JSON lines on stdout");
    }

    /** @return the processor's log */
    private String runUntilReadyThenStop(java.util.Map<String, String> env, Path config, int port) throws Exception {
        try (ProcessorProcess processor =
                ProcessorProcess.start(workDir, env, config, port, "--classpath", TEST_CLASSES.toString())) {
            processor.awaitReady(Duration.ofSeconds(30));
            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(processor.uri("/"))
                                .POST(HttpRequest.BodyPublishers.ofString("0"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
            }
            processor.process.destroy(); // SIGTERM; the archive is written on the way out
            assertThat(processor.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(processor.process.exitValue()).as(processor.log()).isZero();
            return processor.log();
        }
    }

    private static List<Path> files(Path dir, String suffix) throws Exception {
        try (var listing = Files.list(dir)) {
            return listing.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .toList();
        }
    }

    @Test
    void shouldRejectAnUnknownTriggerKindWithOneLineAndExitNonZero() throws Exception {
        Path config = write("bad-kind.yaml", """
                metadata:
                  name: bad
                spec:
                  handler: io.nucleon.processor.SlowFunction
                  triggers:
                    web:
                      kind: htp
                """);

        assertRejected(
                config,
                " line 7: spec.triggers.web.kind: unknown trigger kind 'htp' (available: cron, http, kafka, kafka-cluster, kinesis, mqtt, nats, natsjetstream, "
                        + "rabbit-mq, rabbitmq)");
    }

    @Test
    void shouldRejectAMissingHandlerWithOneLineAndExitNonZero() throws Exception {
        Path config = write("no-handler.yaml", """
                metadata:
                  name: bad
                spec:
                  runtime: java
                """);

        assertRejected(config, " line 3: spec.handler: is required");
    }

    @Test
    void shouldRejectABadNumWorkersWithOneLineAndExitNonZero() throws Exception {
        Path config = write("bad-workers.yaml", """
                metadata:
                  name: bad
                spec:
                  handler: io.nucleon.processor.SlowFunction
                  triggers:
                    web:
                      kind: http
                      numWorkers: lots
                """);

        assertRejected(config, " line 8: spec.triggers.web.numWorkers: must be an integer from 1 to 1024, got 'lots'");
    }

    @Test
    void shouldExplainAHandlerThatIsNotOnTheClasspath() throws Exception {
        Path config = write("missing-class.yaml", """
                metadata:
                  name: missing
                spec:
                  handler: com.example.DoesNotExist
                  triggers:
                    web:
                      kind: http
                      attributes:
                        port: 0
                """);

        ProcessorProcess.Result result = ProcessorProcess.run(
                workDir, "--config", config.toString(), "--admin-port", "0", "--classpath", TEST_CLASSES.toString());

        assertThat(result.exitCode()).isEqualTo(Main.EXIT_CANNOT_START);
        assertThat(result.stderr().strip().lines()).hasSize(1);
        assertThat(result.stderr()).contains("spec.handler: class 'com.example.DoesNotExist' not found");
    }

    @Test
    void shouldShipEveryDataBindingKind() throws Exception {
        Path config = write("unknown-binding.yaml", """
                metadata:
                  name: bindings
                spec:
                  handler: io.nucleon.processor.SlowFunction
                  dataBindings:
                    store:
                      kind: mongo
                """);

        ProcessorProcess.Result result = ProcessorProcess.run(
                workDir, "--config", config.toString(), "--admin-port", "0", "--classpath", TEST_CLASSES.toString());

        assertThat(result.exitCode()).isEqualTo(Main.EXIT_INVALID_CONFIG);
        assertThat(result.stderr())
                .contains(" line 7: spec.dataBindings.store.kind: unknown data binding kind 'mongo' (available: jdbc,"
                        + " kafka, kafka-producer, nats, rabbit-mq, rabbitmq, redis)");
    }

    @Test
    void shouldNameADataBindingThatCannotConnectAndExitNonZero() throws Exception {
        Path config = write("unreachable-binding.yaml", """
                metadata:
                  name: bindings
                spec:
                  handler: io.nucleon.processor.SlowFunction
                  triggers:
                    web:
                      kind: http
                      attributes:
                        host: 127.0.0.1
                        port: 0
                  dataBindings:
                    cache:
                      kind: redis
                      url: redis://127.0.0.1:%d
                """.formatted(ProcessorProcess.freePort()));

        ProcessorProcess.Result result = ProcessorProcess.run(
                workDir, "--config", config.toString(), "--admin-port", "0", "--classpath", TEST_CLASSES.toString());

        assertThat(result.exitCode()).isEqualTo(Main.EXIT_CANNOT_START);
        assertThat(result.stderr().strip().lines()).hasSize(1);
        assertThat(result.stderr()).contains("data binding 'cache' (kind redis, ", "check at start failed");
    }

    @Test
    void shouldExplainAPortThatIsInUse() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path config = write("port-taken.yaml", """
                    metadata:
                      name: taken
                    spec:
                      handler: io.nucleon.processor.SlowFunction
                      triggers:
                        web:
                          kind: http
                          attributes:
                            host: 127.0.0.1
                            port: %d
                    """.formatted(taken.getLocalPort()));

            ProcessorProcess.Result result = ProcessorProcess.run(
                    workDir,
                    "--config",
                    config.toString(),
                    "--admin-port",
                    "0",
                    "--classpath",
                    TEST_CLASSES.toString());

            assertThat(result.exitCode()).isEqualTo(Main.EXIT_CANNOT_START);
            assertThat(result.stderr()).contains("trigger 'web': cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void shouldRequireTheAdminTokenFromTheTokenFileOnStatusAndMetricsButNotOnProbes() throws Exception {
        int port = ProcessorProcess.freePort();
        Path config = slowConfig(port);
        Path tokenFile = Files.writeString(workDir.resolve("admin-token"), "  t0ken-from-file\n");

        try (ProcessorProcess processor = ProcessorProcess.start(
                        workDir,
                        config,
                        port,
                        "--classpath",
                        TEST_CLASSES.toString(),
                        "--admin-token-file",
                        tokenFile.toString());
                HttpClient client = HttpClient.newHttpClient()) {
            processor.awaitReady(Duration.ofSeconds(30)); // /ready needs no token

            assertThat(admin(client, processor, "/status", null).statusCode()).isEqualTo(401);
            assertThat(admin(client, processor, "/metrics", "Bearer wrong").statusCode())
                    .isEqualTo(401);
            HttpResponse<String> status = admin(client, processor, "/status", "Bearer t0ken-from-file");
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.body()).contains("\"state\":\"READY\"");
            assertThat(admin(client, processor, "/metrics", "Bearer t0ken-from-file")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(admin(client, processor, "/live", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldRejectAMissingAdminTokenFileWithOneLineAndExit2() throws Exception {
        Path config = slowConfig(0);
        Path missing = workDir.resolve("no-such-token");

        ProcessorProcess.Result result =
                ProcessorProcess.run(workDir, "--config", config.toString(), "--admin-token-file", missing.toString());

        assertThat(result.exitCode()).isEqualTo(Main.EXIT_INVALID_CONFIG);
        assertThat(result.stderr().strip())
                .isEqualTo("nucleon-processor: --admin-token-file " + missing + ": no such file");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void shouldReadTheAdminTokenFileFromTheEnvironmentAndRejectAnEmptyOne() throws Exception {
        Path config = slowConfig(0);
        Path empty = Files.writeString(workDir.resolve("empty-token"), "\n");

        ProcessorProcess.Result result = ProcessorProcess.run(
                workDir, java.util.Map.of("NUCLEON_ADMIN_TOKEN_FILE", empty.toString()), "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(Main.EXIT_INVALID_CONFIG);
        assertThat(result.stderr().strip())
                .isEqualTo("nucleon-processor: --admin-token-file " + empty + ": the file is empty");
    }

    private Path slowConfig(int port) throws Exception {
        return write("slow-" + port + ".yaml", """
                metadata:
                  name: slow
                spec:
                  handler: io.nucleon.processor.SlowFunction
                  triggers:
                    http:
                      kind: http
                      attributes:
                        host: 127.0.0.1
                        port: %d
                """.formatted(port));
    }

    private static HttpResponse<String> admin(
            HttpClient client, ProcessorProcess processor, String path, String authorization) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + processor.adminPort + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The launcher exits with 2 and says exactly one line: the file, then {@code problem}. */
    private void assertRejected(Path config, String problem) throws Exception {
        ProcessorProcess.Result result = ProcessorProcess.run(workDir, "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(Main.EXIT_INVALID_CONFIG);
        assertThat(result.stderr().strip()).isEqualTo("nucleon-processor: " + config + problem);
        assertThat(result.stdout()).isEmpty();
    }

    private Path copyHelloConfig(int port) throws Exception {
        String hello = Files.readString(Path.of(System.getProperty("nucleon.hello.config")));
        return write("hello.yaml", hello.replace("port: 8080", "port: " + port + "\n        host: 127.0.0.1"));
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(workDir.resolve(name), content);
    }

    private static void awaitGauge(ProcessorProcess processor, String gauge, int value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (HttpClient client = HttpClient.newHttpClient()) {
            while (System.nanoTime() < deadline) {
                String metrics = client.send(
                                HttpRequest.newBuilder(java.net.URI.create(
                                                "http://127.0.0.1:" + processor.adminPort + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                if (metrics.lines().anyMatch(line -> line.startsWith(gauge) && line.endsWith(" " + value + ".0"))) {
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        throw new AssertionError(gauge + " did not reach " + value);
    }
}
