package io.nucleon.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The user's Apache Maven, run as a child process: {@code $NUCLEON_MAVEN}, else {@code mvn} on the PATH. The
 * CLI does not embed a resolver, so that builds see the user's own settings, mirrors and local repository.
 */
final class Maven {

    /** The environment variable naming the mvn executable to use. */
    static final String EXECUTABLE_VARIABLE = "NUCLEON_MAVEN";

    /**
     * The plugin the CLI calls by its full coordinates, so that no plugin version is looked up online; the
     * version the Nucleon build itself uses, so a machine that built Nucleon has it.
     */
    static final String COPY_DEPENDENCIES = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies";

    /** Lines of Maven's error summary that only advertise Maven's own options and help pages. */
    private static final Pattern BOILERPLATE = Pattern.compile("|COMPILATION ERROR :|To see the full stack trace.*"
            + "|Re-run Maven using the -X switch.*|For more information about the errors.*|\\[Help \\d+] http.*"
            + "|After correcting the problems, you can resume the build.*|\\s*mvn <args> -rf .*");

    private static final String ERROR = "[ERROR] ";

    /** Batch mode prints no colours, but a user's MAVEN_OPTS may ask for them. */
    private static final Pattern ANSI_COLOUR = Pattern.compile("\\x1B\\[[0-9;]*m");

    private static final int TAIL_LINES = 20;

    private final Path executable;

    private Maven(Path executable) {
        this.executable = executable;
    }

    /** The Maven of this process's environment. */
    static Maven locate() {
        return locate(System.getenv());
    }

    /**
     * @param environment {@code NUCLEON_MAVEN} and {@code PATH}
     * @return the Maven to run
     * @throws CliException when there is none
     */
    static Maven locate(Map<String, String> environment) {
        String named = environment.get(EXECUTABLE_VARIABLE);
        if (named != null && !named.isBlank()) {
            Path path = Path.of(named);
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw CliException.failed(EXECUTABLE_VARIABLE + ": '" + named + "' is not an executable file");
            }
            return new Maven(path);
        }
        return onPath(environment.getOrDefault("PATH", ""))
                .map(Maven::new)
                .orElseThrow(() -> CliException.failed("building with Maven needs Apache Maven, and there is no"
                        + " 'mvn' on the PATH: install Maven 3.8+ or set " + EXECUTABLE_VARIABLE + " to its mvn"));
    }

    private static Optional<Path> onPath(String path) {
        List<String> names = File.separatorChar == '\\' ? List.of("mvn.cmd", "mvn.bat", "mvn") : List.of("mvn");
        for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
            for (String name : names) {
                if (!dir.isBlank()
                        && Files.isExecutable(Path.of(dir, name))
                        && Files.isRegularFile(Path.of(dir, name))) {
                    return Optional.of(Path.of(dir, name));
                }
            }
        }
        return Optional.empty();
    }

    Path executable() {
        return executable;
    }

    /**
     * Runs Maven in batch mode, its output kept for the error message.
     *
     * @param pom the project's pom.xml
     * @param arguments goals, phases and {@code -D} options
     * @return what it printed and how it ended
     */
    Result run(Path pom, List<String> arguments) {
        Path absolute = pom.toAbsolutePath(); // Maven runs in the project's directory: a relative -f would not resolve
        List<String> command = new ArrayList<>(List.of(
                executable.toString(),
                "-B",
                "--no-transfer-progress",
                "-Dstyle.color=never",
                "-f",
                absolute.toString()));
        command.addAll(arguments);
        Path log = null;
        try {
            log = Files.createTempFile("nucleon-mvn-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(absolute.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            javaHome().ifPresent(home -> builder.environment().putIfAbsent("JAVA_HOME", home));
            int exitCode = waitFor(builder.start());
            return new Result(exitCode, Files.readAllLines(log, StandardCharsets.UTF_8), String.join(" ", command));
        } catch (IOException e) {
            throw CliException.failed("cannot run " + executable + ": " + e.getMessage());
        } finally {
            deleteQuietly(log);
        }
    }

    /** Maven runs on JAVA_HOME, else on the first java on the PATH: without JAVA_HOME, the CLI's own JDK. */
    private static Optional<String> javaHome() {
        Path home = Path.of(System.getProperty("java.home"));
        return Files.isExecutable(home.resolve("bin/javac")) ? Optional.of(home.toString()) : Optional.empty();
    }

    /** A CLI that is interrupted or killed takes its Maven with it rather than leaving a build running. */
    private static int waitFor(Process process) {
        Thread stop = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        });
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            process.getOutputStream().close();
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.run();
            throw CliException.failed("interrupted while Maven was running");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot talk to Maven", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException e) {
                // the JVM is shutting down and runs the hook
            }
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temporary file; the OS cleans it eventually
            }
        }
    }

    /**
     * How a Maven run ended.
     *
     * @param exitCode mvn's exit status
     * @param output its standard output and error, line by line
     * @param command the command line, for messages
     */
    record Result(int exitCode, List<String> output, String command) {

        Result {
            output = List.copyOf(output);
        }

        boolean succeeded() {
            return exitCode == 0;
        }

        /**
         * The part of the output that explains a failure: Maven's error summary (from its first "Failed to
         * execute goal", which repeats the compiler's messages with file and line), else every {@code [ERROR]}
         * line, without the lines that advertise Maven's options, each line once; the last lines of the
         * output when there are no {@code [ERROR]} lines at all.
         */
        List<String> errors() {
            List<String> errorLines = output.stream()
                    .map(line -> ANSI_COLOUR.matcher(line).replaceAll(""))
                    .filter(line -> line.startsWith(ERROR) || line.equals(ERROR.strip()))
                    .map(line -> line.substring(Math.min(line.length(), ERROR.length())))
                    .toList();
            int summary = indexOfPrefix(errorLines, "Failed to execute goal");
            Set<String> errors = new LinkedHashSet<>();
            for (String line : errorLines.subList(Math.max(0, summary), errorLines.size())) {
                String cleaned = line.replaceFirst("\\s*-> \\[Help \\d+]$", "").stripTrailing();
                if (!BOILERPLATE.matcher(cleaned).matches()) {
                    errors.add(cleaned);
                }
            }
            if (errors.isEmpty()) {
                return output.subList(Math.max(0, output.size() - TAIL_LINES), output.size());
            }
            return List.copyOf(errors);
        }

        private static int indexOfPrefix(List<String> lines, String prefix) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
