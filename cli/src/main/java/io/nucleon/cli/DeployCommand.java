package io.nucleon.cli;

import io.nucleon.cli.platform.DeployRequest;
import io.nucleon.cli.platform.FunctionStatus;
import io.nucleon.cli.platform.Platform;
import io.nucleon.cli.platform.Ports;
import io.nucleon.config.BuildSpec;
import io.nucleon.config.FunctionConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nucleon deploy}: builds the function's code, resolves its function.yaml, and has the platform run
 * it. Everything that can be checked (config, compilation, handler class, ports) is checked before a
 * running deployment of the same name is stopped, so a bad deploy leaves it serving.
 */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = {
            "Builds and starts a function, then prints its URL. A function already running under the name is"
                    + " replaced without downtime: the new processor starts on the same HTTP port (reusePort,"
                    + " which deploy sets on http triggers that do not set it), and the old one is stopped"
                    + " gracefully once the new one is ready. If the new one fails, the old one goes on serving."
                    + " With reusePort: false, the old one is stopped first.",
            "PATH is a built jar, a Maven project (a directory with a pom.xml: built with mvn -DskipTests package,"
                    + " its runtime dependencies going on the function's classpath), a directory of Java sources"
                    + " (compiled against nucleon-function-api and the jars in its lib/ folder), or a directory of"
                    + " class files; its function.yaml, when it has one and -f is not given, is the function's."
                    + " With -f alone, the code is the one jar in target/ beside the file, else the"
                    + " Maven project or the sources in src/main/java beside it.",
            "The Maven coordinates in the file's spec.build.dependencies (with spec.build.repositories) are"
                    + " resolved with their own dependencies and go on the compile classpath and the function's."
                    + " Maven is $NUCLEON_MAVEN, else mvn on the PATH."
        },
        footer = {
            "",
            "Examples:",
            "  nucleon deploy -f examples/hello/function.yaml",
            "  nucleon deploy hello -p examples/hello/target/hello.jar --port 8080",
            "  nucleon deploy greeter -p ./greeter-src --env GREETING=Hi",
            "  nucleon deploy -p ./my-function            (a directory with a pom.xml)",
            "  nucleon deploy hello -p examples/hello/target/hello.jar \\",
            "      --triggers '{\"web\":{\"kind\":\"http\",\"attributes\":{\"port\":8081}}}'",
            "  nucleon deploy -f function.yaml --replicas 3"
        })
final class DeployCommand implements Callable<Integer> {

    /** SO_REUSEPORT hand-overs need the processor's epoll transport: Linux only. */
    private static final boolean REUSE_PORT_WORKS =
            System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux");

    /** The most processors {@code --replicas} asks for; function.yaml allows the same. */
    private static final int MAX_REPLICAS = 1000;

    private static final String FUNCTION_YAML = "function.yaml";

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Parameters(
            paramLabel = "NAME",
            arity = "0..1",
            description = "The function's name (default: metadata.name, else from PATH).")
    String name;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description = "The function.yaml.")
    Path file;

    @Option(
            names = {"-p", "--path"},
            paramLabel = "PATH",
            description = "The function's code: a jar, a Maven project (directory or pom.xml), or a directory of Java"
                    + " sources or classes.")
    Path path;

    @Option(
            names = "--handler",
            paramLabel = "CLASS",
            description = "The handler class (default: spec.handler, else the one class implementing Function).")
    String handler;

    @Option(
            names = {"-e", "--env"},
            paramLabel = "KEY=VALUE",
            description = "An environment variable for the function (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "The HTTP trigger's port (default: function.yaml's; a free one for generated configs).")
    Integer port;

    @Option(
            names = "--triggers",
            paramLabel = "JSON",
            description = "The function's triggers as a JSON object by name, replacing spec.triggers (as nuctl's"
                    + " --triggers), e.g. '{\"web\":{\"kind\":\"http\",\"attributes\":{\"port\":8081}}}'."
                    + " --port applies after it.")
    String triggers;

    @Option(
            names = "--replicas",
            paramLabel = "N",
            description = "How many processors to run (1-1000; sets spec.replicas, which must lie within"
                    + " spec.minReplicas and spec.maxReplicas).")
    Integer replicas;

    @Option(
            names = {"--classpath", "--cp"},
            paramLabel = "JAR",
            split = ":",
            description = "More jars or class directories, used where they are (repeatable, or ':'-separated).")
    List<Path> classpath = new ArrayList<>();

    @Option(
            names = "--timeout",
            defaultValue = "60s",
            paramLabel = "DURATION",
            description = "How long to wait for the function to become ready (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws IOException {
        checkArguments();
        useTheProjectsFunctionYaml();
        Optional<Map<String, Object>> triggerFlag =
                Optional.ofNullable(triggers).map(json -> Arguments.triggers("--triggers", json));
        Platform platform = global.platform();
        Optional<ConfigResolver> fromFile = Optional.ofNullable(file).map(ConfigResolver::fromFile);
        BuildSpec build = fromFile.map(ConfigResolver::build).orElse(BuildSpec.NONE);
        Optional<Path> codePath = Optional.ofNullable(path)
                .or(() -> classpath.isEmpty() && file != null ? FunctionBuilder.besideConfig(file) : Optional.empty());
        Path staging = Files.createTempDirectory("nucleon-deploy-");
        try {
            FunctionBuilder builder = new FunctionBuilder(staging, this::progress, Maven::locate);
            Optional<FunctionCode> code = codePath.isPresent()
                    ? Optional.of(builder.build(codePath.get(), build))
                    : builder.dependenciesOnly(build, file);
            DeployRequest request = request(platform, fromFile, code, triggerFlag);
            FunctionStatus deployed = platform.deploy(request, this::progress);
            PrintWriter out = spec.commandLine().getOut();
            out.println(
                    deployed.url().isEmpty() ? deployed.name() + " is ready (it has no HTTP trigger)" : deployed.url());
            out.flush();
            return 0;
        } finally {
            deleteQuietly(staging);
        }
    }

    private DeployRequest request(
            Platform platform,
            Optional<ConfigResolver> fromFile,
            Optional<FunctionCode> code,
            Optional<Map<String, Object>> triggerFlag) {
        List<Path> loaded =
                new ArrayList<>(code.map(FunctionCode::absoluteClasspath).orElse(List.of()));
        loaded.addAll(absoluteClasspath());
        List<Path> searched =
                new ArrayList<>(code.map(FunctionCode::ownClasspath).orElse(List.of()));
        searched.addAll(absoluteClasspath());
        Object where = code.filter(c -> !c.ownClasspath().isEmpty())
                .map(c -> (Object) c.source())
                .orElse(searched.isEmpty() ? "the classpath (give -p PATH or --classpath)" : searched);
        try (HandlerScanner scanner = new HandlerScanner(loaded, searched)) {
            String handlerClass = Optional.ofNullable(handler)
                    .or(() -> fromFile.flatMap(ConfigResolver::handler))
                    .orElseGet(() -> scanner.find(where));
            scanner.verify(handlerClass, where);
            String functionName = Optional.ofNullable(name)
                    .or(() -> fromFile.flatMap(ConfigResolver::name))
                    .orElseGet(() -> code.map(FunctionCode::defaultName).orElse("function"));
            ConfigResolver resolver = fromFile.orElseGet(() -> ConfigResolver.generated(functionName, handlerClass))
                    .name(functionName)
                    .handler(handlerClass)
                    .env(env());
            applyTriggersReplicasAndPort(resolver, platform, fromFile.isEmpty(), triggerFlag);
            String yaml = resolver.yaml();
            FunctionConfig config = resolver.validate(yaml);
            return new DeployRequest(
                    config,
                    yaml,
                    code.map(FunctionCode::staging),
                    code.map(FunctionCode::classpath).orElse(List.of()),
                    absoluteClasspath(),
                    Arguments.duration("--timeout", timeout));
        }
    }

    /** {@code --port} goes after {@code --triggers}, so that it moves the HTTP trigger the flag gave. */
    private void applyTriggersReplicasAndPort(
            ConfigResolver resolver, Platform platform, boolean generated, Optional<Map<String, Object>> triggerFlag) {
        triggerFlag.ifPresent(resolver::triggers);
        if (replicas != null) {
            resolver.replicas(replicas);
        }
        if (port != null) {
            resolver.httpPort(port);
        } else if (generated && !resolver.hasHttpPort()) {
            // A redeploy keeps the running deployment's port, so that its URL stays and the port is handed over.
            resolver.httpPort(
                    runningPort(platform, resolver.name().orElseThrow()).orElseGet(Ports::free));
        }
        if (REUSE_PORT_WORKS) {
            resolver.reusePortByDefault();
        }
    }

    private static Optional<Integer> runningPort(Platform platform, String functionName) {
        return platform.get(functionName)
                .filter(status -> !status.url().isEmpty())
                .filter(status -> status.state().equals(FunctionStatus.READY)
                        || status.state().equals(FunctionStatus.NOT_READY))
                .map(status -> java.net.URI.create(status.url()).getPort())
                .filter(p -> p > 0);
    }

    /** {@code -p DIR} alone with a function.yaml in DIR deploys that file, as nuctl's {@code --path} does. */
    private void useTheProjectsFunctionYaml() {
        if (file == null && path != null && Files.isRegularFile(path.resolve(FUNCTION_YAML))) {
            file = path.resolve(FUNCTION_YAML);
            progress("config", file + " (found in -p; give -f to use another)");
        }
    }

    private void checkArguments() {
        if (file == null && path == null) {
            throw CliException.badInput("give the function with -f FILE (its function.yaml) or -p PATH (its code)");
        }
        if (port != null && (port < 0 || port > 65535)) {
            throw CliException.badInput("--port: must be 0-65535, got " + port);
        }
        if (replicas != null && (replicas < 1 || replicas > MAX_REPLICAS)) {
            throw CliException.badInput("--replicas: must be from 1 to " + MAX_REPLICAS + ", got " + replicas);
        }
        for (Path entry : classpath) {
            if (!Files.exists(entry)) {
                throw CliException.badInput("--classpath: '" + entry + "' does not exist");
            }
        }
    }

    private List<Path> absoluteClasspath() {
        return classpath.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    private Map<String, String> env() {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String variable : env) {
            String[] kv = Arguments.keyValue("--env", variable, '=');
            variables.put(kv[0], kv[1]);
        }
        return variables;
    }

    private void progress(String step, String detail) {
        PrintWriter err = spec.commandLine().getErr();
        err.printf("%-9s %s%n", step, detail);
        err.flush();
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
