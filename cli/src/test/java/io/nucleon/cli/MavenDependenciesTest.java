package io.nucleon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nucleon.config.BuildSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class MavenDependenciesTest {

    private final MavenDependencies dependencies = new MavenDependencies(new BuildSpec(
            List.of("org.apache.commons:commons-text:1.12.0", "com.example:native:so:linux-x86_64:2.0"),
            List.of("https://repo.example.com/maven2?a=1&b=2")));

    @Test
    void shouldListTheCoordinatesAndRepositoriesInAThrowAwayPom() {
        assertThat(dependencies.pom()).contains("""
                            <dependency>
                              <groupId>org.apache.commons</groupId>
                              <artifactId>commons-text</artifactId>
                              <version>1.12.0</version>
                            </dependency>
                        """).contains("""
                            <dependency>
                              <groupId>com.example</groupId>
                              <artifactId>native</artifactId>
                              <version>2.0</version>
                              <type>so</type>
                              <classifier>linux-x86_64</classifier>
                            </dependency>
                        """).contains("""
                            <repository>
                              <id>spec-build-1</id>
                              <url>https://repo.example.com/maven2?a=1&amp;b=2</url>
                            </repository>
                        """).contains("<packaging>pom</packaging>");
    }

    @Test
    void shouldNameTheCoordinateMavenCouldNotResolveOnOneLine() {
        CliException error = dependencies.failure(List.of(
                "Failed to execute goal on project spec-build-dependencies: Could not resolve dependencies for project"
                        + " nucleon.deploy:spec-build-dependencies:pom:0: Could not find artifact"
                        + " com.example:native:so:linux-x86_64:2.0 in central (https://repo.maven.apache.org/maven2)"));

        assertThat(error.exitCode()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(error.getMessage())
                .isEqualTo("spec.build.dependencies: cannot resolve com.example:native:so:linux-x86_64:2.0: Could not"
                        + " find artifact com.example:native:so:linux-x86_64:2.0 in central"
                        + " (https://repo.maven.apache.org/maven2)");
    }

    @Test
    void shouldSayWhatMavenSaidWhenNoCoordinateIsNamed() {
        CliException error = dependencies.failure(List.of(
                "Plugin org.apache.maven.plugins:maven-dependency-plugin:3.8.1 could not be resolved", "offline"));

        assertThat(error.getMessage())
                .isEqualTo("spec.build.dependencies: Maven could not resolve them: Plugin"
                        + " org.apache.maven.plugins:maven-dependency-plugin:3.8.1 could not be resolved offline");
    }
}
