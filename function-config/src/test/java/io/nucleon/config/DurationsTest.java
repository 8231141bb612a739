package io.nucleon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "30s, PT30S",
        "1m30s, PT1M30S",
        "2h, PT2H",
        "1h30m, PT1H30M",
        "1h0m5s250ms, PT1H5.25S",
        "0s, PT0S",
        "90m, PT1H30M",
        "' 5s ', PT5S"
    })
    void shouldParseGoStyleDuration(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "soon", "30", "s", "1.5s", "-1s", "1m 30s", "30sec", "1d", "5s!", "PT5S", "1M"})
    void shouldRejectTextThatIsNotDuration(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be a duration such as 500ms, 30s, 5m or 1h30m, got '" + text + "'");
    }
}
