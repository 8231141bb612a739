package io.nucleon.cli;

import io.nucleon.config.BuildSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Resolves {@code spec.build.dependencies} with their transitive runtime dependencies: a throw-away pom
 * lists them (and {@code spec.build.repositories}), and Maven's copy-dependencies puts the jars in a folder.
 * Artifacts of group {@code io.nucleon} are left out: the processor provides them.
 */
final class MavenDependencies {

    /** What Maven says before it names the failing artifact: the goal and the throw-away project. */
    private static final Pattern RESOLUTION_CONTEXT = Pattern.compile(
            "^(?:Failed to execute goal.*? on project \\S+: )?(?:Could not resolve dependencies for project \\S+: )?");

    private final BuildSpec build;

    MavenDependencies(BuildSpec build) {
        this.build = build;
    }

    /**
     * Copies the jars into {@code lib}.
     *
     * @throws CliException naming the coordinate Maven could not resolve
     */
    void copyInto(Maven maven, Path lib) {
        Path project = null;
        try {
            project = Files.createTempDirectory("nucleon-dependencies-");
            Path pom = Files.writeString(project.resolve("pom.xml"), pom());
            Maven.Result result = maven.run(
                    pom,
                    List.of(
                            Maven.COPY_DEPENDENCIES,
                            "-DincludeScope=runtime",
                            "-DexcludeGroupIds=io.nucleon",
                            "-DoutputDirectory=" + lib.toAbsolutePath()));
            if (!result.succeeded()) {
                throw failure(result.errors());
            }
        } catch (IOException e) {
            throw CliException.failed("cannot write a pom for spec.build.dependencies: " + e.getMessage());
        } finally {
            deleteQuietly(project);
        }
    }

    /** A one-line error that names the first coordinate Maven's errors mention. */
    CliException failure(List<String> errors) {
        Optional<String> line =
                errors.stream().filter(error -> coordinateIn(error).isPresent()).findFirst();
        if (line.isEmpty()) {
            return CliException.badInput("spec.build.dependencies: Maven could not resolve them: "
                    + String.join(" ", errors).strip());
        }
        return CliException.badInput("spec.build.dependencies: cannot resolve "
                + coordinateIn(line.get()).get() + ": "
                + RESOLUTION_CONTEXT.matcher(line.get()).replaceFirst(""));
    }

    private Optional<String> coordinateIn(String error) {
        return build.dependencies().stream()
                .filter(coordinate -> {
                    String[] parts = coordinate.split(":");
                    return error.contains(parts[0] + ":" + parts[1] + ":");
                })
                .findFirst();
    }

    /** The throw-away project: packaging pom, the coordinates as dependencies, the repositories. */
    String pom() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>nucleon.deploy</groupId>
                  <artifactId>spec-build-dependencies</artifactId>
                  <version>0</version>
                  <packaging>pom</packaging>
                  <dependencies>
                %s  </dependencies>
                  <repositories>
                %s  </repositories>
                </project>
                """.formatted(
                build.dependencies().stream().map(MavenDependencies::dependency).collect(Collectors.joining()),
                IntStream.range(0, build.repositories().size())
                        .mapToObj(i -> repository(i + 1, build.repositories().get(i)))
                        .collect(Collectors.joining()));
    }

    /** {@code groupId:artifactId[:extension[:classifier]]:version}, as Maven's own tools write them. */
    private static String dependency(String coordinate) {
        String[] parts = coordinate.split(":");
        StringBuilder xml = new StringBuilder("    <dependency>\n");
        element(xml, "groupId", parts[0]);
        element(xml, "artifactId", parts[1]);
        element(xml, "version", parts[parts.length - 1]);
        if (parts.length >= 4) {
            element(xml, "type", parts[2]);
        }
        if (parts.length == 5) {
            element(xml, "classifier", parts[3]);
        }
        return xml.append("    </dependency>\n").toString();
    }

    private static String repository(int number, String url) {
        StringBuilder xml = new StringBuilder("    <repository>\n");
        element(xml, "id", "spec-build-" + number);
        element(xml, "url", url);
        return xml.append("    </repository>\n").toString();
    }

    private static void element(StringBuilder xml, String name, String value) {
        xml.append("      <")
                .append(name)
                .append('>')
                .append(escape(value))
                .append("</")
                .append(name)
                .append(">\n");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    /** The directory holds the pom alone: a goal run by its coordinates writes nothing beside it. */
    private static void deleteQuietly(Path project) {
        if (project != null) {
            try {
                Files.deleteIfExists(project.resolve("pom.xml"));
                Files.deleteIfExists(project);
            } catch (IOException e) {
                // a temporary directory; the OS cleans it eventually
            }
        }
    }
}
