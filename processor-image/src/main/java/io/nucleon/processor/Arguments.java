package io.nucleon.processor;

import io.nucleon.runtime.ProcessorSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processor's command line. Parsed by hand: a command-line library cost about 0.15 s of every start
 * (picocli is reflective, and its class files are too old for the JVM's class archive), more than eight
 * options are worth. Accepts {@code --name VALUE} and {@code --name=VALUE}.
 *
 * @param request what to do: run, or print the help or the version
 * @param config the function.yaml
 * @param classpath jars and class directories with the handler
 * @param adminHost the admin endpoint's address
 * @param adminPort the admin endpoint's port; 0 any, -1 none
 * @param drainTimeout how long shutdown waits for in-flight events, as written
 * @param adminTokenFile the file with the admin token, if any
 */
record Arguments(
        Request request,
        Path config,
        List<Path> classpath,
        String adminHost,
        int adminPort,
        String drainTimeout,
        Optional<Path> adminTokenFile) {

    /** What the command line asks for. */
    enum Request {
        RUN,
        HELP,
        VERSION
    }

    /** The environment variable that names the admin token file when {@code --admin-token-file} does not. */
    static final String ADMIN_TOKEN_FILE_ENV = "NUCLEON_ADMIN_TOKEN_FILE";

    static final String DEFAULT_ADMIN_HOST = "0.0.0.0";
    static final String DEFAULT_DRAIN_TIMEOUT = "20s";

    static final String HELP = """
            Usage: nucleon-processor [-hV] -c=FILE [--classpath=PATH]... [--admin-host=HOST]
                                     [--admin-port=PORT] [--admin-token-file=PATH]
                                     [--drain-timeout=DURATION]
            Runs a Nucleon function from its function.yaml until SIGTERM.
              -c, --config=FILE        The function.yaml to run.
                  --classpath, --cp=PATH
                                       Jars or class directories holding the handler
                                         (repeatable, or ':'-separated).
                  --admin-host=HOST    Admin endpoint address (default: %s).
                  --admin-port=PORT    Admin endpoint port for /live, /ready, /metrics,
                                         /status; 0 picks a free one, -1 disables
                                         (default: %d).
                  --admin-token-file=PATH
                                       File holding the bearer token that /status, /metrics
                                         and every other admin path but /live and /ready then
                                         require (default: $%s; none: no token).
                  --drain-timeout=DURATION
                                       How long shutdown waits for in-flight events
                                         (default: %s).
              -h, --help               Show this help message and exit.
              -V, --version            Print version information and exit.

            Example:
              nucleon-processor --config examples/hello/function.yaml --classpath examples/hello/target/hello.jar

            Exit codes: 0 stopped gracefully, 1 could not start, 2 invalid configuration or arguments.
            """.formatted(
            DEFAULT_ADMIN_HOST, ProcessorSettings.DEFAULT_ADMIN_PORT, ADMIN_TOKEN_FILE_ENV, DEFAULT_DRAIN_TIMEOUT);

    private static final List<String> TAKE_VALUES = List.of(
            "-c",
            "--config",
            "--classpath",
            "--cp",
            "--admin-host",
            "--admin-port",
            "--admin-token-file",
            "--drain-timeout");

    /**
     * @param args the command line
     * @param env the environment, for {@value #ADMIN_TOKEN_FILE_ENV}
     * @return what it says
     * @throws IllegalArgumentException with a message for the user when the command line is invalid
     */
    static Arguments parse(String[] args, Map<String, String> env) {
        Parser parser = new Parser(args);
        return parser.parse(env);
    }

    /** Walks the arguments once, keeping what each option set. */
    private static final class Parser {

        private final String[] args;
        private int next;
        private Request request = Request.RUN;
        private Path config;
        private final List<Path> classpath = new ArrayList<>();
        private String adminHost = DEFAULT_ADMIN_HOST;
        private int adminPort = ProcessorSettings.DEFAULT_ADMIN_PORT;
        private String drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private Path adminTokenFile;

        Parser(String[] args) {
            this.args = args;
        }

        Arguments parse(Map<String, String> env) {
            while (next < args.length) {
                option(args[next++]);
            }
            if (request == Request.RUN && config == null) {
                throw new IllegalArgumentException("missing required option: '--config=FILE'");
            }
            String tokenFromEnv = env.get(ADMIN_TOKEN_FILE_ENV);
            if (adminTokenFile == null && tokenFromEnv != null && !tokenFromEnv.isBlank()) {
                adminTokenFile = path("$" + ADMIN_TOKEN_FILE_ENV, tokenFromEnv);
            }
            return new Arguments(
                    request,
                    config,
                    List.copyOf(classpath),
                    adminHost,
                    adminPort,
                    drainTimeout,
                    Optional.ofNullable(adminTokenFile));
        }

        private void option(String arg) {
            int equals = arg.startsWith("-") ? arg.indexOf('=') : -1;
            String name = equals > 0 ? arg.substring(0, equals) : arg;
            String inline = equals > 0 ? arg.substring(equals + 1) : null;
            if (inline != null && !TAKE_VALUES.contains(name)) {
                throw new IllegalArgumentException("option '" + name + "' takes no value");
            }
            switch (name) {
                case "-h", "--help" -> request = Request.HELP;
                case "-V", "--version" -> request = request == Request.HELP ? request : Request.VERSION;
                case "-c", "--config" -> config = once("--config", config, path(name, value(name, inline)));
                case "--classpath", "--cp" -> classpath(name, value(name, inline));
                case "--admin-host" -> adminHost = value(name, inline);
                case "--admin-port" -> adminPort = port(name, value(name, inline));
                case "--admin-token-file" ->
                    adminTokenFile = once(name, adminTokenFile, path(name, value(name, inline)));
                case "--drain-timeout" -> drainTimeout = value(name, inline);
                default ->
                    throw new IllegalArgumentException(
                            (arg.startsWith("-") ? "unknown option: '" : "unexpected argument: '") + arg + "'");
            }
        }

        private String value(String name, String inline) {
            if (inline != null) {
                return inline;
            }
            if (next >= args.length || TAKE_VALUES.contains(args[next]) || isFlag(args[next])) {
                throw new IllegalArgumentException("option '" + name + "' needs a value");
            }
            return args[next++];
        }

        private static boolean isFlag(String arg) {
            return arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version");
        }

        private void classpath(String name, String value) {
            for (String entry : value.split(":")) {
                if (!entry.isEmpty()) {
                    classpath.add(path(name, entry));
                }
            }
        }

        private static <T> T once(String name, T previous, T value) {
            if (previous != null) {
                throw new IllegalArgumentException("option '" + name + "' should be given only once");
            }
            return value;
        }

        private static Path path(String name, String value) {
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("invalid value for " + name + ": '" + value + "' is not a path");
            }
        }

        private static int port(String name, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "invalid value for option '" + name + "': '" + value + "' is not a number");
            }
        }
    }
}
