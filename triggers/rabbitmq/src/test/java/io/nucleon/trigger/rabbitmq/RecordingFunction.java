package io.nucleon.trigger.rabbitmq;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;

/** Records every message it runs in the {@link Recorder} of its function name, failing or hanging as that says. */
public final class RecordingFunction implements Function {

    private Recorder recorder;

    @Override
    public void init(InitContext context) {
        recorder = Recorder.of(context.functionName());
    }

    @Override
    public Response handle(Context context, Event event) throws Exception {
        String value = event.bodyString();
        int attempt = recorder.attempt(value);
        recorder.maxRunning.accumulateAndGet(recorder.running.incrementAndGet(), Math::max);
        try {
            if (recorder.delayMillis > 0) {
                Thread.sleep(recorder.delayMillis);
            }
            if (value.startsWith("hang") && attempt == 1) {
                Thread.sleep(recorder.hangMillis);
            }
        } finally {
            recorder.running.decrementAndGet();
        }
        boolean fail = Recorder.shouldFail(value, attempt);
        recorder.seen.add(new Recorder.Seen(
                value,
                !fail,
                event.topic(),
                event.contentType(),
                event.timestampMillis(),
                event.headers(),
                event.body().isReadOnly(),
                Thread.currentThread().getName()));
        if (fail) {
            throw new IllegalArgumentException("cannot handle " + value + " (run " + attempt + ")");
        }
        return Response.noContent();
    }
}
