package io.nucleon.config;

import static io.nucleon.config.FunctionConfigLoaderTest.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The fields the platforms read: spec.replicas, spec.build and spec.platform.attributes.restartPolicy. */
class PlatformSpecTest {

    @Test
    void shouldDefaultToOneReplicaNoBuildAndNoRestarts() {
        FunctionSpec spec = parse(MINIMAL);

        assertThat(spec.replicas()).isEmpty();
        assertThat(spec.fixedReplicas()).isEqualTo(1);
        assertThat(spec.build()).isEqualTo(BuildSpec.NONE);
        assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.NO);
        assertThat(spec.restartPolicy().restarts()).isFalse();
    }

    @Test
    void shouldReadReplicasAndWidenTheDefaultRangeToThem() {
        FunctionSpec spec = parse(MINIMAL + "  replicas: 3\n");

        assertThat(spec.replicas()).hasValue(3);
        assertThat(spec.fixedReplicas()).isEqualTo(3);
        assertThat(spec.minReplicas()).isEqualTo(3);
        assertThat(spec.maxReplicas()).isEqualTo(3);
    }

    @Test
    void shouldUseMinReplicasWhenReplicasIsNotGiven() {
        assertThat(parse(MINIMAL + "  minReplicas: 2\n  maxReplicas: 4\n").fixedReplicas())
                .isEqualTo(2);
        assertThat(parse(MINIMAL + "  minReplicas: 0\n").fixedReplicas()).isEqualTo(1);
    }

    @Test
    void shouldRejectReplicasOutsideMinAndMax() {
        assertThatThrownBy(() -> parse(MINIMAL + "  minReplicas: 1\n  maxReplicas: 2\n  replicas: 3\n"))
                .hasMessage("function.yaml line 9: spec.replicas: must be between minReplicas (1) and maxReplicas"
                        + " (2), got 3");
        assertThatThrownBy(() -> parse(MINIMAL + "  replicas: -1\n"))
                .hasMessageContaining("spec.replicas")
                .hasMessageContaining("-1");
    }

    @Test
    void shouldReadBuildDependenciesAndRepositories() {
        BuildSpec build = parse(MINIMAL + """
                  build:
                    dependencies:
                    - org.apache.commons:commons-text:1.12.0
                    - com.example:lib:jar:linux:2.0
                    repositories:
                    - https://repo.example.com/maven2
                """).build();

        assertThat(build.dependencies())
                .containsExactly("org.apache.commons:commons-text:1.12.0", "com.example:lib:jar:linux:2.0");
        assertThat(build.repositories()).containsExactly("https://repo.example.com/maven2");
    }

    @Test
    void shouldRejectCoordinatesWithoutVersion() {
        assertThatThrownBy(
                        () -> parse(MINIMAL + "  build:\n    dependencies:\n    - org.apache.commons:commons-text\n"))
                .hasMessage(
                        "function.yaml line 9: spec.build.dependencies[0]: must be Maven coordinates"
                                + " groupId:artifactId[:extension[:classifier]]:version, got 'org.apache.commons:commons-text'");
    }

    @Test
    void shouldRejectRepositoryThatIsNotAUrl() {
        assertThatThrownBy(() -> parse(MINIMAL + "  build:\n    repositories:\n    - repo.example.com\n"))
                .hasMessageContaining("spec.build.repositories[0]: must be an http(s):// or file:// URL");
    }

    @Test
    void shouldRejectUnknownBuildField() {
        assertThatThrownBy(() -> parse(MINIMAL + "  build:\n    commands: [make]\n"))
                .hasMessageContaining("spec.build.commands: unknown field");
    }

    @Test
    void shouldReadNuclioRestartPolicy() {
        RestartPolicy policy = parse(MINIMAL + """
                  platform:
                    attributes:
                      restartPolicy:
                        name: on-failure
                        maximumRetryCount: 3
                """).restartPolicy();

        assertThat(policy).isEqualTo(new RestartPolicy(RestartPolicy.Name.ON_FAILURE, 3));
        assertThat(policy.restartsAfter(true)).isTrue();
        assertThat(policy.restartsAfter(false)).isFalse();
    }

    @Test
    void shouldReadUnquotedNoAsThePolicyNameNotAsFalse() {
        assertThat(parse(MINIMAL + "  platform:\n    attributes:\n      restartPolicy:\n        name: no\n")
                        .restartPolicy())
                .isEqualTo(RestartPolicy.NO);
    }

    @Test
    void shouldRestartAfterAnyEndWithAlways() {
        RestartPolicy always = parse(MINIMAL + "  platform:\n    attributes:\n      restartPolicy: {name: always}\n")
                .restartPolicy();

        assertThat(always.maximumRetryCount()).isZero();
        assertThat(always.restartsAfter(false)).isTrue();
        assertThat(always.restartsAfter(true)).isTrue();
    }

    @Test
    void shouldRejectUnknownPolicyName() {
        assertThatThrownBy(
                        () -> parse(MINIMAL + "  platform:\n    attributes:\n      restartPolicy: {name: sometimes}\n"))
                .hasMessage("function.yaml line 9: spec.platform.attributes.restartPolicy.name: must be one of no,"
                        + " on-failure, always, unless-stopped, got 'sometimes'");
    }

    @Test
    void shouldRejectUnknownPlatformAttribute() {
        assertThatThrownBy(() -> parse(MINIMAL + "  platform:\n    attributes:\n      mountMode: volume\n"))
                .hasMessageContaining(
                        "spec.platform.attributes.mountMode: unknown field (known fields: restartPolicy)");
    }

    private static FunctionSpec parse(String yaml) {
        return FunctionConfigLoader.parse(yaml, "function.yaml").spec();
    }
}
