package io.nucleon.trigger.kafka;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;

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
        String value = event.bodyString();
        if (recorder.delayMillis > 0) {
            Thread.sleep(recorder.delayMillis);
        }
        boolean fail = recorder.shouldFail(value);
        recorder.seen.add(new Recorder.Seen(
                event.triggerName(),
                event.partition(),
                event.offset(),
                value,
                !fail,
                Thread.currentThread().getName()));
        if (fail) {
            throw new IllegalArgumentException("cannot handle " + value);
        }
        return Response.noContent();
    }

    @Override
    public void drain() {
        recorder.drainThreads.add(Thread.currentThread().getName());
        recorder.drains.incrementAndGet();
    }
}
