package io.nucleon.trigger.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The trigger's Kinesis calls (ListShards, GetShardIterator, GetRecords) and what their failures mean:
 *
 * <ul>
 *   <li>the endpoint cannot be reached, a call times out, a server error, or the stream is missing: every
 *       call stops for a backoff that doubles from 200 ms up to {@value #MAX_ENDPOINT_BACKOFF_MS} ms;
 *   <li>throughput exceeded (or KMS throttling): that shard backs off, doubling up to 10 s;
 *   <li>an expired or refused iterator: the shard gets a new one after the last record it fetched;
 *   <li>a checkpoint the shard does not take (the stream was created again under its name): the shard is
 *       read from its start, and the log says so.
 * </ul>
 *
 * Each failure is the trigger's problem until a call works again. The SDK's own retries (3 attempts, none
 * for throttling: {@link KinesisClients#retryStrategy()}) run first. Poll thread only.
 */
final class ShardReader {

    /** What a read attempt came to. */
    enum Outcome {
        /** Records (maybe none) were fetched, or the shard must wait a little: go on with other shards. */
        READ,
        /** The shard or stream was not found: list the shards again. */
        NOT_FOUND,
        /** The endpoint failed: no more calls for a while. */
        ENDPOINT_FAILED
    }

    private static final Logger LOG = LoggerFactory.getLogger(ShardReader.class);

    static final long MAX_ENDPOINT_BACKOFF_MS = 5_000;
    private static final long MIN_ENDPOINT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long MAX_THROTTLE_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long NOT_FOUND_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long BAD_POSITION_RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final KinesisTriggerConfig config;
    private final String triggerName;
    private final KinesisClient client;
    private final KinesisTriggerMetrics metrics;
    private final ProblemLog log;
    private final long pollingPeriodNanos;
    private volatile String problem;
    private long retryAtNanos;
    private long backoffNanos;

    ShardReader(KinesisTriggerConfig config, String triggerName, KinesisClient client, KinesisTriggerMetrics metrics) {
        this.config = config;
        this.triggerName = triggerName;
        this.client = client;
        this.metrics = metrics;
        this.log = new ProblemLog(triggerName);
        this.pollingPeriodNanos = config.pollingPeriod().toNanos();
    }

    /** @return why Kinesis calls fail now, or {@code null} */
    String problem() {
        return problem;
    }

    /** Reports {@code why} (start-up found the endpoint unreachable, say) until a call works. */
    void problem(String why) {
        problem = why;
    }

    /** @return when calls may be made again after an endpoint failure */
    long retryAtNanos() {
        return retryAtNanos;
    }

    /**
     * Lists every shard of the stream, page by page.
     *
     * @return the shards, or {@code null} when the call failed
     */
    List<Shard> listShards(long now) {
        try {
            List<Shard> listing = new ArrayList<>();
            ListShardsResponse page = client.listShards(
                    ListShardsRequest.builder().streamName(config.streamName()).build());
            listing.addAll(page.shards());
            while (page.nextToken() != null) {
                page = client.listShards(
                        ListShardsRequest.builder().nextToken(page.nextToken()).build());
                listing.addAll(page.shards());
            }
            worked();
            return listing;
        } catch (SdkException e) {
            failed("ListShards", e, true, now);
            return null;
        }
    }

    /** One GetRecords for the shard, with a GetShardIterator first when it has no iterator. */
    Outcome read(ShardState shard, long now) {
        try {
            if (shard.iterator() == null && !newIterator(shard, now)) {
                return Outcome.READ;
            }
            GetRecordsResponse response = client.getRecords(GetRecordsRequest.builder()
                    .shardIterator(shard.iterator())
                    .limit(config.maxRecordsPerGet())
                    .build());
            metrics.getRecords();
            worked();
            Long behind = response.millisBehindLatest();
            shard.fetched(
                    response.records(),
                    response.nextShardIterator(),
                    behind == null ? 0 : behind,
                    System.nanoTime(),
                    pollingPeriodNanos);
            return Outcome.READ;
        } catch (ExpiredIteratorException e) {
            metrics.iteratorExpired();
            shard.dropIterator(); // the next try gets a new one after the last record fetched
            return Outcome.READ;
        } catch (ProvisionedThroughputExceededException | KmsThrottlingException | LimitExceededException e) {
            // not retried by the SDK (KinesisClients.retryStrategy()): this shard waits, the others go on
            metrics.throttled();
            shard.throttled(now, pollingPeriodNanos, MAX_THROTTLE_BACKOFF_NANOS);
            return Outcome.READ;
        } catch (InvalidArgumentException e) {
            shard.dropIterator(); // an iterator Kinesis no longer takes
            failed("GetRecords", e, false, now);
            return Outcome.READ;
        } catch (ResourceNotFoundException e) {
            failed("GetRecords", e, false, now);
            shard.dropIterator();
            shard.fetchAfter(now, NOT_FOUND_RETRY_NANOS);
            return Outcome.NOT_FOUND;
        } catch (SdkException e) {
            return failed("GetRecords", e, false, now) ? Outcome.ENDPOINT_FAILED : Outcome.READ;
        }
    }

    /** @return whether the shard has an iterator now */
    private boolean newIterator(ShardState shard, long now) {
        StartPosition position = shard.iteratorPosition();
        try {
            String iterator = client.getShardIterator(position.applyTo(GetShardIteratorRequest.builder()
                                    .streamName(config.streamName())
                                    .shardId(shard.shardId()))
                            .build())
                    .shardIterator();
            shard.iterator(iterator, System.currentTimeMillis());
            return true;
        } catch (InvalidArgumentException e) {
            if (position.fromCheckpoint()) {
                // Not a position in this shard: the stream was deleted and created again under the same name,
                // say. Reading the shard from its start loses nothing; the log says what happened.
                LOG.atError()
                        .setMessage("kinesis checkpoint does not fit the shard; reading the shard from TRIM_HORIZON")
                        .addKeyValue("trigger", triggerName)
                        .addKeyValue("shard", shard.shardId())
                        .addKeyValue("position", position.toString())
                        .addKeyValue("error", e.awsErrorDetails().errorMessage())
                        .log();
                shard.restartFrom(StartPosition.of(ShardIteratorType.TRIM_HORIZON));
            } else {
                failed("GetShardIterator", e, false, now);
                shard.fetchAfter(now, BAD_POSITION_RETRY_NANOS);
            }
            return false;
        }
    }

    private void worked() {
        backoffNanos = 0;
        if (problem != null) {
            problem = null;
            log.solved("kinesis calls work again");
        }
    }

    /**
     * Notes a failed call as the trigger's problem. Client-side failures (endpoint unreachable, timeouts),
     * server errors and, for ListShards, a missing stream stop every call for a backoff.
     *
     * @return whether the failure concerns the endpoint or stream as a whole
     */
    private boolean failed(String call, SdkException e, boolean listing, long now) {
        metrics.apiError();
        boolean whole = e instanceof SdkClientException
                || (e instanceof AwsServiceException service && service.statusCode() >= 500)
                || (listing && e instanceof ResourceNotFoundException);
        problem = describe(call, e);
        log.problem(problem, e);
        if (whole) {
            backoffNanos = backoffNanos == 0
                    ? MIN_ENDPOINT_BACKOFF_NANOS
                    : Math.min(TimeUnit.MILLISECONDS.toNanos(MAX_ENDPOINT_BACKOFF_MS), backoffNanos * 2);
            retryAtNanos = now + backoffNanos;
        }
        return whole;
    }

    private String describe(String call, SdkException e) {
        if (e instanceof ResourceNotFoundException notFound) {
            return "Kinesis stream '" + config.streamName() + "' (or one of its shards) does not exist in region "
                    + config.regionName() + " (" + call + ": "
                    + notFound.awsErrorDetails().errorMessage() + ")";
        }
        if (e instanceof AwsServiceException service) {
            return "Kinesis refused " + call + " on stream '" + config.streamName() + "': "
                    + service.awsErrorDetails().errorCode() + ": "
                    + service.awsErrorDetails().errorMessage();
        }
        return "cannot reach Kinesis at "
                + config.endpoint().map(Object::toString).orElse("region " + config.regionName()) + " (" + call
                + "): " + e.getMessage();
    }
}
