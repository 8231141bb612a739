package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

/** The client's retries: the SDK's for server errors, none for throttling (the trigger backs the shard off). */
class KinesisClientsTest {

    @Test
    void shouldLeaveThrottlingToTheTriggerAndRetryServerErrors() {
        RetryStrategy strategy = KinesisClients.retryStrategy();

        assertThatThrownBy(() -> retryAfter(
                        strategy,
                        ProvisionedThroughputExceededException.builder()
                                .statusCode(400)
                                .awsErrorDetails(AwsErrorDetails.builder()
                                        .errorCode("ProvisionedThroughputExceededException")
                                        .build())
                                .build()))
                .isInstanceOf(TokenAcquisitionFailedException.class);
        assertThat(retryAfter(
                        strategy,
                        KinesisException.builder()
                                .statusCode(500)
                                .awsErrorDetails(AwsErrorDetails.builder()
                                        .errorCode("InternalFailure")
                                        .build())
                                .build()))
                .as("a server error is retried by the SDK")
                .isNotNull();
    }

    private static RetryToken retryAfter(RetryStrategy strategy, Throwable failure) {
        RetryToken token = strategy.acquireInitialToken(AcquireInitialTokenRequest.create("kinesis"))
                .token();
        return strategy.refreshRetryToken(RefreshRetryTokenRequest.builder()
                        .token(token)
                        .failure(failure)
                        .build())
                .token();
    }
}
