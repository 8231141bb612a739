package io.nucleon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenProjectTest {

    @TempDir
    Path tmp;

    @Test
    void shouldTakeTheMainJarNotItsSourcesJavadocTestsOrClassifierJars() throws Exception {
        for (String jar : new String[] {
            "fn-1.0.jar",
            "fn-1.0-sources.jar",
            "fn-1.0-javadoc.jar",
            "fn-1.0-tests.jar",
            "fn-1.0-shaded.jar",
            "original-fn-1.0.jar"
        }) {
            Files.writeString(tmp.resolve(jar), "");
        }

        assertThat(MavenProject.mainJar(tmp)).isEqualTo(tmp.resolve("fn-1.0.jar"));
    }

    @Test
    void shouldTakeTheNewestWhenAnOldVersionsJarLingers() throws Exception {
        Files.setLastModifiedTime(Files.writeString(tmp.resolve("fn-1.0.jar"), ""), FileTime.fromMillis(1_000));
        Files.setLastModifiedTime(Files.writeString(tmp.resolve("fn-1.1.jar"), ""), FileTime.fromMillis(2_000));

        assertThat(MavenProject.mainJar(tmp)).isEqualTo(tmp.resolve("fn-1.1.jar"));
    }

    @Test
    void shouldExplainAProjectThatBuiltNoJar() {
        assertThatThrownBy(() -> MavenProject.mainJar(tmp.resolve("target")))
                .isInstanceOf(CliException.class)
                .hasMessage("mvn package built no jar in " + tmp.resolve("target")
                        + " (a function project needs <packaging>jar</packaging>)");
    }

    @Test
    void shouldRecogniseAProjectByItsPom() throws Exception {
        assertThat(MavenProject.isProject(tmp)).isFalse();
        Files.writeString(tmp.resolve("pom.xml"), "<project/>");
        assertThat(MavenProject.isProject(tmp)).isTrue();
    }
}
