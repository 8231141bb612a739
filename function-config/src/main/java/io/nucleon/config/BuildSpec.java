package io.nucleon.config;

import java.util.List;

/**
 * The {@code spec.build} section of function.yaml: what a platform adds when it builds the function's code.
 * Nuclio's Java runtime uses the same field names.
 *
 * <pre>{@code
 * build:
 *   dependencies:                                   # Maven coordinates, resolved with their dependencies
 *   - org.apache.commons:commons-text:1.12.0
 *   repositories:                                   # more Maven repositories besides Maven Central
 *   - https://repo.example.com/maven2
 * }</pre>
 *
 * @param dependencies Maven coordinates {@code groupId:artifactId[:extension[:classifier]]:version}, in file order
 * @param repositories URLs of Maven repositories to resolve them from, besides Maven Central
 */
public record BuildSpec(List<String> dependencies, List<String> repositories) {

    /** No dependencies, no repositories. */
    public static final BuildSpec NONE = new BuildSpec(List.of(), List.of());

    public BuildSpec {
        dependencies = List.copyOf(dependencies);
        repositories = List.copyOf(repositories);
    }
}
