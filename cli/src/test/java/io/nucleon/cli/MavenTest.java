package io.nucleon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenTest {

    @TempDir
    Path tmp;

    @Test
    void shouldFindMvnOnThePathUnlessNucleonMavenNamesOne() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path onPath = executable(bin.resolve("mvn"), "exit 0");
        Path named = executable(tmp.resolve("my-mvn"), "exit 0");
        String path = tmp.resolve("empty") + ":" + bin;

        assertThat(Maven.locate(Map.of("PATH", path)).executable()).isEqualTo(onPath);
        assertThat(Maven.locate(Map.of("PATH", path, "NUCLEON_MAVEN", named.toString()))
                        .executable())
                .isEqualTo(named);
    }

    @Test
    void shouldExplainThatThereIsNoMaven() throws Exception {
        Path notExecutable = Files.writeString(tmp.resolve("mvn"), "");

        assertThatThrownBy(
                        () -> Maven.locate(Map.of("PATH", tmp.resolve("empty").toString())))
                .isInstanceOf(CliException.class)
                .hasMessage("building with Maven needs Apache Maven, and there is no 'mvn' on the PATH: install Maven"
                        + " 3.8+ or set NUCLEON_MAVEN to its mvn");
        assertThatThrownBy(() -> Maven.locate(Map.of("NUCLEON_MAVEN", notExecutable.toString())))
                .isInstanceOf(CliException.class)
                .hasMessage("NUCLEON_MAVEN: '" + notExecutable + "' is not an executable file");
    }

    @Test
    void shouldRunMavenInBatchModeInTheProjectsDirectory() throws Exception {
        Path fake = executable(tmp.resolve("mvn"), "echo \"args: $*\"; echo \"dir: $(pwd)\"; echo oops >&2; exit 3");
        Path project = Files.createDirectories(tmp.resolve("project"));

        Maven.Result result = Maven.locate(Map.of("NUCLEON_MAVEN", fake.toString()))
                .run(project.resolve("pom.xml"), List.of("package", "-DskipTests"));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output())
                .containsExactly(
                        "args: -B --no-transfer-progress -Dstyle.color=never -f " + project.resolve("pom.xml")
                                + " package -DskipTests",
                        "dir: " + project.toRealPath(),
                        "oops");
    }

    @Test
    void shouldKeepMavensErrorSummaryWithoutItsAdvertisements() {
        Maven.Result result = new Maven.Result(
                1,
                List.of(
                        "[INFO] Building shout 1.0",
                        "[ERROR] COMPILATION ERROR : ",
                        "[ERROR] /p/src/main/java/demo/Broken.java:[5,16] cannot find symbol",
                        "  symbol:   method notAMethod()",
                        "[INFO] BUILD FAILURE",
                        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.14.0:compile"
                                + " (default-compile) on project shout: Compilation failure",
                        "[ERROR] /p/src/main/java/demo/Broken.java:[5,16] cannot find symbol",
                        "[ERROR]   symbol:   method notAMethod()",
                        "[ERROR]   location: class demo.Broken",
                        "[ERROR] ",
                        "[ERROR] -> [Help 1]",
                        "[ERROR] ",
                        "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.",
                        "[ERROR] Re-run Maven using the -X switch to enable full debug logging.",
                        "[ERROR] For more information about the errors and possible solutions, please read the following"
                                + " articles:",
                        "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MojoFailureException"),
                "mvn");

        assertThat(result.errors())
                .containsExactly(
                        "Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.14.0:compile"
                                + " (default-compile) on project shout: Compilation failure",
                        "/p/src/main/java/demo/Broken.java:[5,16] cannot find symbol",
                        "  symbol:   method notAMethod()",
                        "  location: class demo.Broken");
    }

    @Test
    void shouldFallBackToEveryErrorLineAndThenToTheOutputsEnd() {
        Maven.Result pomErrors = new Maven.Result(
                1,
                List.of(
                        "\u001B[1;31m[ERROR]\u001B[m [ERROR] Some problems were encountered while processing the POMs:",
                        "[ERROR] Non-parseable POM /p/pom.xml: end tag name </project> must match start tag name"
                                + " <build> -> [Help 2]"),
                "mvn");
        Maven.Result noErrors = new Maven.Result(2, List.of("Error: JAVA_HOME is not defined correctly."), "mvn");

        assertThat(pomErrors.errors())
                .containsExactly(
                        "[ERROR] Some problems were encountered while processing the POMs:",
                        "Non-parseable POM /p/pom.xml: end tag name </project> must match start tag name <build>");
        assertThat(noErrors.errors()).containsExactly("Error: JAVA_HOME is not defined correctly.");
    }

    private static Path executable(Path file, String script) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
