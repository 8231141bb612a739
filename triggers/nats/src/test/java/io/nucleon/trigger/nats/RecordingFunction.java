package io.nucleon.trigger.nats;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Records every message it runs in the {@link Recorder} of its function name, and answers {@code "re:
 * <body>"} with a header {@code x-answered-by}. Bodies starting with "poison" always fail, "flaky" fail
 * on their first run, "hang" wait for the recorder's release on their first run (ignoring interrupts, up
 * to a minute); the recorder's delay slows every message.
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
        int now = recorder.running.incrementAndGet();
        recorder.maxRunning.accumulateAndGet(now, Math::max);
        try {
            int attempt = recorder.attempt(value);
            if (value.startsWith("hang") && attempt == 1) {
                hang();
            }
            if (recorder.delayMillis > 0) {
                Thread.sleep(recorder.delayMillis);
            }
            boolean fail = value.startsWith("poison") || (value.startsWith("flaky") && attempt == 1);
            recorder.seen.add(new Recorder.Seen(
                    event.triggerName(),
                    value,
                    event.topic(),
                    event.offset(),
                    event.timestampMillis(),
                    event.contentType(),
                    Map.copyOf(event.headers()),
                    !fail,
                    Thread.currentThread().getName()));
            if (fail) {
                throw new IllegalArgumentException("cannot handle " + value);
            }
            return Response.builder()
                    .header("x-answered-by", event.triggerName())
                    .body("re: " + value)
                    .build();
        } finally {
            recorder.running.decrementAndGet();
        }
    }

    private void hang() {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (recorder.release.getCount() > 0 && System.nanoTime() < deadline) {
            try {
                recorder.release.await(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // a stuck function that ignores interrupts, as real ones do
            }
        }
    }
}
