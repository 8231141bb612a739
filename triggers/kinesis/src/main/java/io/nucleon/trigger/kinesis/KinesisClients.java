package io.nucleon.trigger.kinesis;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

/** Builds the trigger's Kinesis client. */
final class KinesisClients {

    /** A connection that does not open within this fails fast, so an unreachable endpoint shows quickly. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** GetRecords answers within a few seconds even for 10 000 records. */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    /** One call, the SDK's own retries included. */
    static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(20);

    private KinesisClients() {}

    /**
     * A synchronous client over the JDK's HttpURLConnection (the module's only HTTP client: no Netty, no
     * Apache client), speaking JSON rather than CBOR (see {@link #preferJson()}).
     */
    static KinesisClient create(KinesisTriggerConfig config) {
        preferJson();
        KinesisClientBuilder builder = KinesisClient.builder()
                .region(Region.of(config.regionName()))
                .credentialsProvider(credentials(config))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .overrideConfiguration(
                        override -> override.apiCallTimeout(API_CALL_TIMEOUT).retryStrategy(retryStrategy()));
        config.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * The SDK's standard retries (3 attempts: a stale connection after the endpoint restarted, a 5xx),
     * except for throttling: the SDK would wait up to seconds before each new attempt on the poll thread,
     * while the trigger backs off just the throttled shard and goes on with the others.
     */
    static RetryStrategy retryStrategy() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .doNotRetryWhen(request -> throttling(request.failure()))
                .build();
    }

    /** @return whether Kinesis refused a call for the shard's (or the account's, or KMS's) throughput */
    static boolean throttling(Throwable failure) {
        return failure instanceof ProvisionedThroughputExceededException
                || failure instanceof LimitExceededException
                || failure instanceof KmsThrottlingException;
    }

    private static AwsCredentialsProvider credentials(KinesisTriggerConfig config) {
        if (config.hasStaticCredentials()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /**
     * The Kinesis client speaks CBOR by default, which kinesalite and other emulators cannot answer
     * (PutRecord/GetRecords fail to unmarshal). AWS answers JSON just as well, at the cost of base64 for
     * record data, so the trigger turns CBOR off for the process, through the SDK's own switch ({@code
     * aws.cborEnabled}, read when a client is built), unless the process set it already: start the
     * processor with {@code -Daws.cborEnabled=true} (or {@code CBOR_ENABLED=true}) to keep CBOR against AWS.
     */
    static synchronized void preferJson() {
        if (System.getProperty(SdkSystemSetting.CBOR_ENABLED.property()) == null
                && System.getenv(SdkSystemSetting.CBOR_ENABLED.environmentVariable()) == null) {
            System.setProperty(SdkSystemSetting.CBOR_ENABLED.property(), "false");
        }
    }
}
