package io.nucleon.trigger.kinesis;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Records every record it runs in the {@link Recorder} of its function name. Values starting with
 * "poison" always fail, "flaky" fails on its first run; the recorder's delay slows every record.
 */
public final class RecordingFunction implements Function {

    private Recorder recorder;

    @Override
    public void init(InitContext context) {
        recorder = Recorder.of(context.functionName());
    }

    @Override
    public Response handle(Context context, Event event) throws Exception {
        String shardId = event.header(KinesisRecordEvent.SHARD_ID);
        recorder.enter(shardId);
        try {
            String value = event.bodyString();
            if (recorder.delayMillis > 0) {
                Thread.sleep(recorder.delayMillis);
            }
            boolean fail = recorder.shouldFail(value);
            recorder.seen.add(seen(event, value, !fail));
            if (fail) {
                throw new IllegalArgumentException("cannot handle " + value);
            }
            return Response.noContent();
        } finally {
            recorder.leave(shardId);
        }
    }

    static Recorder.Seen seen(Event event, String value, boolean succeeded) {
        ByteBuffer key = event.key();
        return new Recorder.Seen(
                event.triggerName(),
                event.header(KinesisRecordEvent.SHARD_ID),
                event.header(KinesisRecordEvent.SEQUENCE_NUMBER),
                event.header(KinesisRecordEvent.PARTITION_KEY),
                key == null
                        ? null
                        : StandardCharsets.UTF_8.decode(key.duplicate()).toString(),
                value,
                event.topic(),
                event.partition(),
                event.offset(),
                event.timestampMillis(),
                succeeded,
                Thread.currentThread().getName());
    }
}
