package io.nucleon.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.config.ConfigException;
import io.nucleon.config.ConfigNode;
import io.nucleon.config.FunctionConfigLoader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code retry} section every stream and message trigger reads. */
class RetryPolicyTest {

    @Test
    void shouldReadTheSectionAndDoubleTheBackoffUpToItsMaximum() {
        RetryPolicy retry = RetryPolicy.from(retry("{maxAttempts: 5, initialBackoff: 100ms, maxBackoff: 350ms}"));

        assertThat(retry.maxAttempts()).isEqualTo(5);
        assertThat(retry.backoffNanos(1)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(retry.backoffNanos(2)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(retry.backoffNanos(3)).isEqualTo(Duration.ofMillis(350).toNanos());
        assertThat(retry.exhausted(4)).isFalse();
        assertThat(retry.exhausted(5)).isTrue();
    }

    @Test
    void shouldRefuseAZeroInitialBackoff() {
        assertThatThrownBy(() -> RetryPolicy.from(retry("{initialBackoff: 0ms, maxBackoff: 0ms}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.triggers.t.attributes.retry.initialBackoff: must be longer than 0");
    }

    @Test
    void shouldRefuseAMaxBackoffShorterThanTheInitialOne() {
        assertThatThrownBy(() -> RetryPolicy.from(retry("{initialBackoff: 2s, maxBackoff: 1s}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must not be shorter than initialBackoff");
    }

    private static ConfigNode retry(String section) {
        String yaml = """
                metadata:
                  name: fn
                spec:
                  handler: com.example.Handler
                  triggers:
                    t:
                      kind: anything
                      attributes:
                        retry: %s
                """.formatted(section);
        return FunctionConfigLoader.parse(yaml, "function.yaml")
                .spec()
                .triggers()
                .get("t")
                .attributes()
                .required("retry");
    }
}
