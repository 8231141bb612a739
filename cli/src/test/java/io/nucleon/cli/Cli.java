package io.nucleon.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged {@code bin/nucleon}, run as a child process the way a user runs it, with its own state directory. */
final class Cli {

    static final Path DIST = Path.of(System.getProperty("nucleon.cli.dist", "target/nucleon-cli"));
    static final Path PROCESSOR = Path.of(System.getProperty(
            "nucleon.processor", "../processor-image/target/nucleon-processor/bin/nucleon-processor"));
    static final Path HELLO = Path.of(System.getProperty("nucleon.hello.dir", "../examples/hello"));
    /** The local repository of the build running the tests, where it installed function-api: Maven runs use it. */
    static final String MAVEN_REPO_LOCAL = System.getProperty("nucleon.maven.repo.local", "");

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Path home;
    private final Path workDir;

    Cli(Path home, Path workDir) {
        this.home = home;
        this.workDir = workDir;
    }

    Path home() {
        return home;
    }

    /** Runs one command to completion; stdout and stderr are kept apart. */
    Result run(String... args) throws IOException, InterruptedException {
        return run(TIMEOUT, args);
    }

    /** Runs one command that may take longer than most, such as a deploy that runs Maven. */
    Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        Process process = start(workDir.resolve("stdout"), workDir.resolve("stderr"), List.of(args));
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly); // a Maven build it started, say
            process.destroyForcibly();
            throw new AssertionError(
                    "nucleon " + String.join(" ", args) + " did not exit within " + timeout.toSeconds() + " s");
        }
        return new Result(
                process.exitValue(),
                Files.readString(workDir.resolve("stdout"), StandardCharsets.UTF_8),
                Files.readString(workDir.resolve("stderr"), StandardCharsets.UTF_8));
    }

    /**
     * Starts one command without waiting for it, with this state directory and processor.
     *
     * @param stdout where its standard output goes
     * @param stderr where its standard error goes
     */
    Process start(Path stdout, Path stderr, List<String> args) throws IOException {
        List<String> command =
                new ArrayList<>(List.of(DIST.resolve("bin/nucleon").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().put("NUCLEON_HOME", home.toString());
        builder.environment()
                .put("NUCLEON_PROCESSOR", PROCESSOR.toAbsolutePath().toString());
        if (!MAVEN_REPO_LOCAL.isEmpty()) {
            builder.environment()
                    .merge("MAVEN_OPTS", "-Dmaven.repo.local=" + MAVEN_REPO_LOCAL, (opts, repo) -> opts + " " + repo);
        }
        return builder.start();
    }

    /** Deletes every function left in the state directory; for finally blocks. */
    void deleteAll() throws IOException, InterruptedException {
        Path functions = home.resolve("functions");
        if (Files.isDirectory(functions)) {
            try (var dirs = Files.list(functions)) {
                for (Path dir : dirs.toList()) {
                    run("delete", dir.getFileName().toString());
                }
            }
        }
    }

    /** @return processes whose command line mentions this state directory (processors it started) */
    List<ProcessHandle> processors() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(home.toString()))
                .toList();
    }

    record Result(int exitCode, String stdout, String stderr) {
        /** @return the error line: the last line on stderr, after any progress lines */
        String error() {
            return stderr.strip().lines().reduce((first, second) -> second).orElse("");
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
