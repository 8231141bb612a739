package io.nucleon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A function's own Maven project ({@code -p DIR} with a {@code pom.xml}): packaged with the user's Maven, its
 * runtime dependencies copied beside the jar. Artifacts of group {@code io.nucleon} are left out: the
 * processor provides the function API.
 */
final class MavenProject {

    private static final String POM = "pom.xml";

    private final Path dir;

    private MavenProject(Path dir) {
        this.dir = dir;
    }

    /** @return whether {@code dir} is a Maven project */
    static boolean isProject(Path dir) {
        return Files.isRegularFile(dir.resolve(POM));
    }

    static MavenProject in(Path dir) {
        return new MavenProject(dir);
    }

    /** What {@code nucleon deploy} runs, for the progress line. */
    static String goal() {
        return "mvn package";
    }

    /**
     * Runs {@code mvn -DskipTests package} plus copy-dependencies into {@code lib}.
     *
     * @param maven the Maven to run
     * @param lib where the project's runtime-scope dependencies go
     * @return the project's jar in {@code target/}
     * @throws CliException with Maven's error lines when the build fails
     */
    Path packageInto(Maven maven, Path lib) {
        Maven.Result result = maven.run(
                dir.resolve(POM),
                List.of(
                        "-DskipTests",
                        "package",
                        Maven.COPY_DEPENDENCIES,
                        "-DincludeScope=runtime",
                        "-DexcludeGroupIds=io.nucleon",
                        "-DoutputDirectory=" + lib.toAbsolutePath()));
        if (!result.succeeded()) {
            throw CliException.badInput(goal() + " failed in " + dir + ":\n" + String.join("\n", result.errors()));
        }
        return mainJar(dir.resolve("target"));
    }

    /**
     * The main artifact among the jars in {@code target}: not {@code -sources}, {@code -javadoc}, {@code -tests}
     * or the shade plugin's {@code original-}, nor a classifier jar ({@code NAME-shaded.jar} beside {@code
     * NAME.jar}); of several, the newest (an old version's jar may linger in target/).
     */
    static Path mainJar(Path target) {
        List<Path> jars = jars(target).stream()
                .filter(jar -> !name(jar).matches(".*-(sources|javadoc|tests|test-sources)|original-.*"))
                .toList();
        return jars.stream()
                .filter(jar -> jars.stream()
                        .noneMatch(other -> other != jar && name(jar).startsWith(name(other) + "-")))
                .max(Comparator.comparing(MavenProject::modified))
                .orElseThrow(() -> CliException.badInput("mvn package built no jar in " + target
                        + " (a function project needs <packaging>jar</packaging>)"));
    }

    private static List<Path> jars(Path target) {
        if (!Files.isDirectory(target)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .filter(Files::isRegularFile)
                    .toList();
        } catch (IOException e) {
            throw CliException.badInput("cannot read '" + target + "': " + e.getMessage());
        }
    }

    private static String name(Path jar) {
        String file = jar.getFileName().toString();
        return file.substring(0, file.length() - ".jar".length());
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
