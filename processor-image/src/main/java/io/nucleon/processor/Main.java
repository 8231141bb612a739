package io.nucleon.processor;

import io.nucleon.config.ConfigException;
import io.nucleon.config.Durations;
import io.nucleon.config.FunctionConfig;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs one function: loads function.yaml, starts the processor, and on SIGTERM or SIGINT drains
 * in-flight events and exits with 0.
 *
 * <p>Exit codes: 0 after a graceful stop, 2 for an invalid function.yaml or command line, 1 when the
 * function or a trigger cannot start.
 */
@Command(
        name = "nucleon-processor",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Runs a Nucleon function from its function.yaml until SIGTERM.",
        footer = {
            "",
            "Example:",
            "  nucleon-processor --config examples/hello/function.yaml --classpath examples/hello/target/hello.jar",
            "",
            "Exit codes: 0 stopped gracefully, 1 could not start, 2 invalid configuration or arguments."
        })
public final class Main implements Callable<Integer> {

    static final int EXIT_CANNOT_START = 1;
    static final int EXIT_INVALID_CONFIG = 2;

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "The function.yaml to run.")
    Path config;

    @Option(
            names = {"--classpath", "--cp"},
            paramLabel = "PATH",
            split = ":",
            description = "Jars or class directories holding the handler (repeatable, or ':'-separated).")
    List<Path> classpath = new ArrayList<>();

    @Option(
            names = "--admin-host",
            defaultValue = "0.0.0.0",
            description = "Admin endpoint address (default: ${DEFAULT-VALUE}).")
    String adminHost;

    @Option(
            names = "--admin-port",
            defaultValue = "" + ProcessorSettings.DEFAULT_ADMIN_PORT,
            description =
                    "Admin endpoint port for /live, /ready, /metrics, /status; 0 picks a free one, -1 disables (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(
            names = "--drain-timeout",
            defaultValue = "20s",
            description = "How long shutdown waits for in-flight events (default: ${DEFAULT-VALUE}).")
    String drainTimeout;

    @Option(
            names = "--admin-token-file",
            paramLabel = "PATH",
            defaultValue = "${env:NUCLEON_ADMIN_TOKEN_FILE}",
            description = "File holding the bearer token that /status, /metrics and every other admin path but"
                    + " /live and /ready then require (default: $NUCLEON_ADMIN_TOKEN_FILE; none: no token).")
    Path adminTokenFile;

    /**
     * Entry point.
     *
     * @param args command-line arguments; see {@code --help}
     */
    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            e.getCommandLine().getErr().println("nucleon-processor: " + e.getMessage() + " (see --help)");
            return EXIT_INVALID_CONFIG;
        });
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter err = new PrintWriter(System.err, true);
        FunctionConfig function;
        Duration drain;
        Optional<String> adminToken;
        try {
            function = FunctionConfigLoader.load(config);
            drain = Durations.parse(drainTimeout);
            if (adminPort < -1 || adminPort > 65535) {
                throw new IllegalArgumentException(
                        "--admin-port must be -1 (off), 0 (any) or 1-65535, got " + adminPort);
            }
            adminToken = readAdminToken(adminTokenFile);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("nucleon-processor: " + e.getMessage());
            return EXIT_INVALID_CONFIG;
        }
        ProcessorSettings settings = ProcessorSettings.defaults(function, classpath)
                .withAdmin(adminHost, adminPort)
                .withDrainTimeout(drain);
        if (adminToken.isPresent()) {
            settings = settings.withAdminToken(adminToken.get());
        }
        Processor processor;
        try {
            processor = Processor.start(settings);
        } catch (ConfigException e) {
            err.println("nucleon-processor: " + e.getMessage());
            return EXIT_INVALID_CONFIG;
        } catch (RuntimeException e) {
            err.println("nucleon-processor: " + e.getMessage());
            LoggerFactory.getLogger(Main.class)
                    .atDebug()
                    .setMessage("start failed")
                    .setCause(e)
                    .log();
            return EXIT_CANNOT_START;
        }
        GracefulStop.install(processor);
        awaitForever();
        return 0;
    }

    /**
     * @param file the token file, or null for none
     * @return the token, trimmed
     * @throws IllegalArgumentException when the file cannot be read, is empty, or holds more than one word
     */
    static Optional<String> readAdminToken(Path file) {
        if (file == null) {
            return Optional.empty();
        }
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--admin-token-file " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("--admin-token-file " + file + ": not readable (permission denied)");
        } catch (IOException e) { // a directory, not UTF-8, ...
            throw new IllegalArgumentException("--admin-token-file " + file + ": cannot read it: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException("--admin-token-file " + file + ": the file is empty");
        }
        if (token.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            // it travels in an HTTP header: one word, no line breaks
            throw new IllegalArgumentException(
                    "--admin-token-file " + file + ": the token must be one word without spaces or line breaks");
        }
        return Optional.of(token);
    }

    /** The process ends in {@link GracefulStop}'s hook; the main thread just stays out of the way. */
    private static void awaitForever() {
        while (true) {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                // only the shutdown hook ends this process
            }
        }
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"nucleon-processor " + (version == null ? "(development build)" : version)};
        }
    }
}
