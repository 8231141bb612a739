package io.nucleon.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseTest {

    @Test
    void shouldBuildATextResponseWithDefaults() {
        Response response = Response.ok("héllo");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo(Response.DEFAULT_CONTENT_TYPE);
        assertThat(response.headers()).isEmpty();
        assertThat(response.bodySize()).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8).length);
        assertThat(StandardCharsets.UTF_8.decode(response.body().duplicate()).toString())
                .isEqualTo("héllo");
    }

    @Test
    void shouldShareOneReadOnlyBodyViewSoCachedResponsesAllocateNothing() {
        Response response = Response.ok(new byte[] {1, 2, 3}, "application/octet-stream");

        assertThat(response.body()).isSameAs(response.body());
        assertThat(response.body().isReadOnly()).isTrue();
    }

    @Test
    void shouldCopyTheBodyArraySoLaterChangesDoNotLeakIn() {
        byte[] bytes = {1, 2, 3};
        Response response = Response.ok(bytes, "application/octet-stream");
        bytes[0] = 9;

        assertThat(response.body().get(0)).isEqualTo((byte) 1);
    }

    @Test
    void shouldRejectStatusesAFunctionCannotAnswerWith() {
        assertThatThrownBy(() -> Response.builder().status(100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("status must be 200-599, got 100");
        assertThatThrownBy(() -> Response.of(600, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Response.of(599, "x").status()).isEqualTo(599);
    }

    @Test
    void shouldRejectHeadersThatCouldNotBeSent() {
        assertThatThrownBy(() -> Response.builder().header("X-Evil", "a\r\nSet-Cookie: x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header 'X-Evil': value must not contain line breaks");
        assertThatThrownBy(() -> Response.builder().header("Bad Name", "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid header name: 'Bad Name'");
        assertThat(Response.builder().header("X-Ok_1", "v").build().headers()).containsEntry("X-Ok_1", "v");
    }

    @Test
    void shouldAnswerNoContentWithAnEmptyBody() {
        assertThat(Response.noContent().status()).isEqualTo(204);
        assertThat(Response.noContent().bodySize()).isZero();
    }

    @Test
    void shouldReportFailedBatchIndexesSorted() {
        assertThat(BatchResult.success().allSucceeded()).isTrue();
        assertThat(BatchResult.failed().allSucceeded()).isTrue();
        assertThat(BatchResult.failed(3, 1).failedIndexes()).containsExactly(1, 3);
        assertThatThrownBy(() -> BatchResult.failed(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
