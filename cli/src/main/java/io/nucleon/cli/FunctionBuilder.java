package io.nucleon.cli;

import io.nucleon.cli.platform.FunctionNames;
import io.nucleon.cli.platform.Platform;
import io.nucleon.config.BuildSpec;
import io.nucleon.function.Function;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Turns {@code -p PATH} into staged code: a jar is copied; a directory with a {@code pom.xml} is packaged with
 * Maven, its runtime dependencies copied into {@code lib/}; a directory of Java sources is compiled with the
 * JDK's compiler against function-api and the jars in its {@code lib/} folder; a directory of class files is
 * copied. The jars of {@code spec.build.dependencies} go into {@code lib/} first, so that sources compile
 * against them. Nothing here touches a deployment, so a failure leaves a running function as it was.
 */
final class FunctionBuilder {

    private static final List<String> SKIPPED_DIRS = List.of("target", "lib", ".git", "build");

    private final Path staging;
    private final Platform.Progress progress;
    private final Supplier<Maven> locateMaven;
    private Maven maven;

    /**
     * @param staging the directory the code is staged in
     * @param progress told about each step
     * @param locateMaven finds Maven, called once and only when Maven is needed
     */
    FunctionBuilder(Path staging, Platform.Progress progress, Supplier<Maven> locateMaven) {
        this.staging = staging;
        this.progress = progress;
        this.locateMaven = locateMaven;
    }

    /**
     * @param path a jar, a Maven project (its directory or pom.xml), or a directory of sources or classes
     * @param build the function.yaml's {@code spec.build}
     */
    FunctionCode build(Path path, BuildSpec build) {
        if (!Files.exists(path)) {
            throw CliException.badInput("-p: '" + path + "' does not exist");
        }
        if (!Files.isReadable(path)) {
            throw CliException.badInput("-p: '" + path + "' cannot be read");
        }
        Path named = isPom(path) ? path.toAbsolutePath().getParent() : path;
        String defaultName = FunctionNames.derive(
                named.toAbsolutePath().normalize().getFileName().toString());
        resolve(build);
        List<String> classpath = new ArrayList<>(stage(path));
        classpath.addAll(libraries());
        return new FunctionCode(staging, classpath, path, defaultName);
    }

    /**
     * The code of a function whose classes come with {@code --classpath}: the jars of {@code
     * spec.build.dependencies}, if it has any.
     *
     * @param config the function.yaml that lists them, for messages
     */
    Optional<FunctionCode> dependenciesOnly(BuildSpec build, Path config) {
        if (build.dependencies().isEmpty()) {
            return Optional.empty();
        }
        resolve(build);
        return Optional.of(new FunctionCode(staging, libraries(), config, "function"));
    }

    /** Stages the function's own code; @return its classpath entries, relative to the staging directory */
    private List<String> stage(Path path) {
        if (isPom(path)) {
            return packageProject(path.toAbsolutePath().getParent());
        }
        if (Files.isRegularFile(path)) {
            if (!path.getFileName().toString().endsWith(".jar")) {
                throw CliException.badInput(
                        "-p: '" + path + "' is neither a .jar, a pom.xml nor a directory of Java sources");
            }
            progress.step("building", path.toString());
            copy(path, staging.resolve(path.getFileName().toString()));
            return List.of(path.getFileName().toString());
        }
        if (MavenProject.isProject(path)) {
            return packageProject(path);
        }
        Path sourceRoot = Files.isDirectory(path.resolve("src/main/java")) ? path.resolve("src/main/java") : path;
        List<Path> sources = files(sourceRoot, ".java");
        if (!sources.isEmpty()) {
            progress.step("building", path + " (compiling sources)");
            copyLibJars(path);
            compile(sources, jars(lib()), staging.resolve("classes"));
        } else if (!files(path, ".class").isEmpty()) {
            progress.step("building", path + " (class files)");
            copyLibJars(path);
            copyTree(path, staging.resolve("classes"));
        } else {
            throw CliException.badInput("-p: '" + path + "' holds no pom.xml, Java sources, class files or jar");
        }
        return List.of("classes");
    }

    private List<String> packageProject(Path dir) {
        progress.step("building", dir + " (" + MavenProject.goal() + ")");
        Path jar = MavenProject.in(dir).packageInto(maven(), lib());
        copy(jar, staging.resolve(jar.getFileName().toString()));
        return List.of(jar.getFileName().toString());
    }

    private void resolve(BuildSpec build) {
        if (!build.dependencies().isEmpty()) {
            progress.step(
                    "resolving",
                    String.join(", ", build.dependencies())
                            + " (spec.build.dependencies, mvn dependency:copy-dependencies)");
            new MavenDependencies(build).copyInto(maven(), lib());
        }
    }

    private Maven maven() {
        if (maven == null) {
            maven = locateMaven.get();
        }
        return maven;
    }

    private Path lib() {
        return staging.resolve("lib");
    }

    /** @return the staged jars in {@code lib/}, as classpath entries */
    private List<String> libraries() {
        return jars(lib()).stream().map(jar -> "lib/" + jar.getFileName()).toList();
    }

    private void copyLibJars(Path dir) {
        for (Path jar : jars(dir.resolve("lib"))) {
            copy(jar, lib().resolve(jar.getFileName().toString()));
        }
    }

    private static boolean isPom(Path path) {
        return Files.isRegularFile(path) && path.getFileName().toString().equals("pom.xml");
    }

    /**
     * The code that goes with a function.yaml given alone: the one jar in {@code target/} beside it (a
     * Maven build's output), else the directory beside it when it is a Maven project or has Java sources in
     * {@code src/main/java}.
     */
    static Optional<Path> besideConfig(Path config) {
        Path dir = config.toAbsolutePath().normalize().getParent();
        Path target = dir.resolve("target");
        if (Files.isDirectory(target)) {
            List<Path> jars = list(target).stream()
                    .filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .filter(p -> !p.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar|original-.*"))
                    .toList();
            if (jars.size() == 1) {
                return Optional.of(jars.getFirst());
            }
        }
        Path sources = dir.resolve("src/main/java");
        return Files.isDirectory(sources) || MavenProject.isProject(dir) ? Optional.of(dir) : Optional.empty();
    }

    private static void compile(List<Path> sources, List<Path> libs, Path classes) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw CliException.failed("compiling sources needs a JDK, but the CLI runs on a JRE ("
                    + System.getProperty("java.home") + "); set JAVA_HOME to a JDK 21+ or deploy a built jar");
        }
        List<String> classpath = new ArrayList<>();
        classpath.add(functionApiJar().toString());
        libs.forEach(lib -> classpath.add(lib.toString()));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files =
                compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            Files.createDirectories(classes);
            List<String> options = List.of(
                    "-d",
                    classes.toString(),
                    "-classpath",
                    String.join(File.pathSeparator, classpath),
                    "--release",
                    "21",
                    "-encoding",
                    "UTF-8",
                    "-proc:none",
                    "-g");
            boolean ok = compiler.getTask(
                            null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources))
                    .call();
            if (!ok) {
                throw CliException.badInput("compilation failed:\n" + format(diagnostics));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compile into " + classes, e);
        }
    }

    private static String format(DiagnosticCollector<JavaFileObject> diagnostics) {
        return diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> (d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ")
                        + "error: " + d.getMessage(Locale.ROOT))
                .collect(Collectors.joining("\n"));
    }

    /** The function-api jar on the CLI's own classpath (its classes directory in a development build). */
    static Path functionApiJar() {
        try {
            return Path.of(Function.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw CliException.failed("cannot find nucleon-function-api on the CLI's classpath: " + e);
        }
    }

    private static List<Path> jars(Path lib) {
        if (!Files.isDirectory(lib)) {
            return List.of();
        }
        return list(lib).stream()
                .filter(p -> p.getFileName().toString().endsWith(".jar"))
                .sorted()
                .toList();
    }

    private static List<Path> files(Path root, String suffix) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .filter(Files::isRegularFile)
                    .filter(p -> root.relativize(p).getNameCount() == 1
                            || !SKIPPED_DIRS.contains(
                                    root.relativize(p).getName(0).toString()))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw CliException.badInput("-p: cannot read '" + root + "': " + e.getMessage());
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException e) {
            throw CliException.badInput("cannot read '" + dir + "': " + e.getMessage());
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw CliException.badInput("cannot read '" + from + "': " + e.getMessage());
        }
    }

    private static void copyTree(Path from, Path to) {
        for (Path file : files(from, ".class")) {
            copy(file, to.resolve(from.relativize(file).toString()));
        }
    }
}
