package io.nucleon.config;

import static io.nucleon.config.FunctionConfigLoaderTest.WITH_HTTP_TRIGGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The trigger's {@code batch} section (Nuclio's shape: mode, batchSize, timeout). */
class BatchConfigTest {

    private static Optional<BatchConfig> batchOf(String triggerLines) {
        return FunctionConfigLoader.parse(WITH_HTTP_TRIGGER + triggerLines, "function.yaml")
                .spec()
                .triggers()
                .get("http")
                .batch();
    }

    @Test
    void shouldHaveNoBatchWhenSectionIsLeftOut() {
        assertThat(batchOf("")).isEmpty();
    }

    @Test
    void shouldReadBatchSizeAndTimeout() {
        assertThat(batchOf("      batch:\n        batchSize: 64\n        timeout: 50ms\n"))
                .contains(new BatchConfig(64, Duration.ofMillis(50)));
    }

    @Test
    void shouldFillDefaultsForEmptyBatchSection() {
        assertThat(batchOf("      batch: {}\n"))
                .contains(new BatchConfig(BatchConfig.DEFAULT_BATCH_SIZE, BatchConfig.DEFAULT_TIMEOUT));
    }

    @Test
    void shouldTreatModeDisableAsNoBatch() {
        assertThat(batchOf("      batch:\n        mode: disable\n        batchSize: 8\n"))
                .isEmpty();
        assertThat(batchOf("      batch:\n        mode: enable\n        batchSize: 8\n"))
                .contains(new BatchConfig(8, BatchConfig.DEFAULT_TIMEOUT));
    }

    @Test
    void shouldRejectBatchSizeOutOfRange() {
        assertThatThrownBy(() -> batchOf("      batch:\n        batchSize: 0\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 11: spec.triggers.http.batch.batchSize: "
                        + "must be an integer from 1 to 10000, got '0'");
    }

    @Test
    void shouldRejectZeroTimeoutAndUnknownFields() {
        assertThatThrownBy(() -> batchOf("      batch:\n        timeout: 0s\n"))
                .hasMessage("function.yaml line 11: spec.triggers.http.batch.timeout: must be longer than 0");
        assertThatThrownBy(() -> batchOf("      batch:\n        size: 8\n"))
                .hasMessage("function.yaml line 11: spec.triggers.http.batch.size: unknown field "
                        + "(known fields: batchSize, mode, timeout)");
        assertThatThrownBy(() -> batchOf("      batch:\n        mode: on\n"))
                .hasMessageContaining("spec.triggers.http.batch.mode: must be one of enable, disable");
    }
}
