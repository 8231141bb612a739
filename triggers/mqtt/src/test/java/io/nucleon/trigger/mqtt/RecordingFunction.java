package io.nucleon.trigger.mqtt;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;

/** Records every message it runs in the {@link Recorder} of its function name and behaves as it says. */
public final class RecordingFunction implements Function {

    private Recorder recorder;

    @Override
    public void init(InitContext context) {
        recorder = Recorder.of(context.functionName());
    }

    @Override
    public Response handle(Context context, Event event) throws Exception {
        String value = event.bodyString();
        int now = recorder.running.incrementAndGet();
        recorder.maxRunning.accumulateAndGet(now, Math::max);
        try {
            int attempt = recorder.attempt(value);
            if (recorder.delayMillis > 0) {
                Thread.sleep(recorder.delayMillis);
            }
            if (value.startsWith("stuck") && attempt == 1) {
                Thread.sleep(3_000); // past spec.eventTimeout
            }
            if (value.startsWith("hang") && recorder.hanging) {
                recorder.release.await();
            }
            boolean fail = value.startsWith("poison")
                    || (value.startsWith("flaky") && attempt == 1)
                    || recorder.failing.contains(value);
            recorder.seen.add(new Recorder.Seen(value, event.topic(), event.headers(), event.timestampMillis(), !fail));
            if (fail) {
                throw new IllegalArgumentException("cannot handle " + value);
            }
            return Response.noContent();
        } finally {
            recorder.running.decrementAndGet();
        }
    }
}
