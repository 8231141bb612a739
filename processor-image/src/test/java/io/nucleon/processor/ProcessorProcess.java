package io.nucleon.processor;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real {@code bin/nucleon-processor} launcher, run as a child process the way a user runs it. */
final class ProcessorProcess implements AutoCloseable {

    static final Path DIST = Path.of(System.getProperty("nucleon.dist", "target/nucleon-processor"));

    final Process process;
    final Path output;
    final int httpPort;
    final int adminPort;

    private ProcessorProcess(Process process, Path output, int httpPort, int adminPort) {
        this.process = process;
        this.output = output;
        this.httpPort = httpPort;
        this.adminPort = adminPort;
    }

    static ProcessorProcess start(Path workDir, Path config, int httpPort, String... extraArgs) throws IOException {
        return start(workDir, java.util.Map.of(), config, httpPort, extraArgs);
    }

    /** As {@link #start(Path, Path, int, String...)}, with extra environment variables. */
    static ProcessorProcess start(
            Path workDir, java.util.Map<String, String> env, Path config, int httpPort, String... extraArgs)
            throws IOException {
        int adminPort = freePort();
        List<String> command = new ArrayList<>(List.of(
                DIST.resolve("bin/nucleon-processor").toString(),
                "--config",
                config.toString(),
                "--admin-host",
                "127.0.0.1",
                "--admin-port",
                Integer.toString(adminPort)));
        command.addAll(List.of(extraArgs));
        Path output = workDir.resolve("processor-" + adminPort + ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        return new ProcessorProcess(process, output, httpPort, adminPort);
    }

    /** Runs the launcher to completion, for commands that must fail fast. */
    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, java.util.Map.of(), args);
    }

    /** As {@link #run(Path, String...)}, with extra environment variables. */
    static Result run(Path workDir, java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of(DIST.resolve("bin/nucleon-processor").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] stdout;
        byte[] stderr;
        try (InputStream out = process.getInputStream();
                InputStream err = process.getErrorStream()) {
            stdout = out.readAllBytes();
            stderr = err.readAllBytes();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("launcher did not exit within 60 s");
        }
        return new Result(
                process.exitValue(),
                new String(stdout, StandardCharsets.UTF_8),
                new String(stderr, StandardCharsets.UTF_8));
    }

    record Result(int exitCode, String stdout, String stderr) {}

    void awaitReady(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient client = HttpClient.newHttpClient()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("processor exited with " + process.exitValue() + ":\n" + log());
                }
                try {
                    HttpResponse<Void> ready = client.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/ready"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (ready.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYetListening) {
                    // keep polling until the deadline
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        throw new AssertionError("processor not ready within " + timeout + ":\n" + log());
    }

    String log() throws IOException {
        return Files.readString(output);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    static int freePort() {
        return io.nucleon.testing.brokers.BrokerProcess.freePort();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
