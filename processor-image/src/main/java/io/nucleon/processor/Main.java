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
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * Runs one function: loads function.yaml, starts the processor, and on SIGTERM or SIGINT drains
 * in-flight events and exits with 0. {@link Arguments} has the command line ({@code --help}).
 *
 * <p>Exit codes: 0 after a graceful stop, 2 for an invalid function.yaml or command line, 1 when the
 * function or a trigger cannot start.
 */
public final class Main {

    static final int EXIT_CANNOT_START = 1;
    static final int EXIT_INVALID_CONFIG = 2;

    /**
     * The file the launcher names when this run may write the class archive ({@code
     * -XX:+AutoCreateSharedArchive}): written once the processor is ready, it tells later launches that the
     * archive holds the classes of a real start, not of one that failed early.
     */
    static final String CLASS_ARCHIVE_READY_PROPERTY = "nucleon.cds.ready";

    private Main() {}

    /**
     * Entry point.
     *
     * @param args command-line arguments; see {@code --help}
     */
    public static void main(String[] args) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("nucleon-processor: " + e.getMessage() + " (see --help)");
            System.exit(EXIT_INVALID_CONFIG);
            return;
        }
        switch (arguments.request()) {
            case HELP -> System.out.print(Arguments.HELP);
            case VERSION -> System.out.println(version());
            case RUN -> System.exit(run(arguments));
        }
    }

    static int run(Arguments arguments) {
        PrintWriter err = new PrintWriter(System.err, true);
        FunctionConfig function;
        Duration drain;
        Optional<String> adminToken;
        try {
            function = FunctionConfigLoader.load(arguments.config());
            drain = Durations.parse(arguments.drainTimeout());
            int adminPort = arguments.adminPort();
            if (adminPort < -1 || adminPort > 65535) {
                throw new IllegalArgumentException(
                        "--admin-port must be -1 (off), 0 (any) or 1-65535, got " + adminPort);
            }
            adminToken = readAdminToken(arguments.adminTokenFile().orElse(null));
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("nucleon-processor: " + e.getMessage());
            return EXIT_INVALID_CONFIG;
        }
        ProcessorSettings settings = ProcessorSettings.defaults(function, arguments.classpath())
                .withAdmin(arguments.adminHost(), arguments.adminPort())
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
        markClassArchiveReady(System.getProperty(CLASS_ARCHIVE_READY_PROPERTY));
        awaitForever();
        return 0;
    }

    /** @param marker the file to write, or null when this run does not write the class archive */
    static void markClassArchiveReady(String marker) {
        if (marker == null) {
            return;
        }
        try {
            Files.writeString(Path.of(marker), "");
        } catch (IOException | InvalidPathException e) {
            // without it the next launch writes the archive again: slower once, never wrong
        }
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

    /** @return the version line, from the jar manifest */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return "nucleon-processor " + (version == null ? "(development build)" : version);
    }
}
