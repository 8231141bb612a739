package io.nucleon.testing.functions;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;

/**
 * Records every event it runs in the {@link Recorder} of its function name and behaves as that says:
 * after the recorder's delay, values starting {@code stuck} sleep {@value #STUCK_MILLIS} ms on their first
 * run (past a short event timeout; an interrupt ends the sleep and fails the run), {@code hang} values block
 * as the recorder's hang settings say, and {@code poison}, {@code flaky}, {@code fail<N>-} and the
 * recorder's {@linkplain Recorder#failing() failing} values fail with an {@link IllegalArgumentException}
 * "cannot handle {@code <value>}".
 *
 * <p>A run that succeeds answers {@code "re: <value>"} with a header {@code x-answered-by: <trigger>}, for
 * triggers that reply (NATS request-reply); a run ended by an interrupt records nothing but its attempt and
 * its timeline. The drain hook records each call and its thread.
 */
public final class RecordingFunction implements Function {

    /** How long a {@code stuck} value sleeps on its first run. */
    public static final long STUCK_MILLIS = 3_000;

    private Recorder recorder;

    @Override
    public void init(InitContext context) {
        recorder = Recorder.of(context.functionName());
    }

    @Override
    public Response handle(Context context, Event event) throws Exception {
        String value = event.bodyString();
        int attempt = recorder.attempt(value);
        recorder.started(event, value, attempt);
        try {
            recorder.delay();
            if (value.startsWith("stuck") && attempt == 1) {
                Thread.sleep(STUCK_MILLIS);
            }
            recorder.hangIfAsked(value, attempt);
            boolean fail = recorder.shouldFail(value, attempt);
            recorder.record(Run.of(event, value, attempt, !fail));
            if (fail) {
                throw new IllegalArgumentException("cannot handle " + value);
            }
            return Response.builder()
                    .header("x-answered-by", event.triggerName())
                    .body("re: " + value)
                    .build();
        } finally {
            recorder.ended(event, value, attempt);
        }
    }

    @Override
    public void drain() {
        recorder.drained();
    }
}
