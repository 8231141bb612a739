package io.nucleon.testing.functions;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;

/**
 * On their first run, values starting {@code stuck} block for {@value #BLOCK_MILLIS} ms (past a short event
 * timeout) ignoring interrupts, as blocking I/O or a tight loop does, then succeed; {@code stuckfail} values
 * block and then throw. Every start and end goes to the {@linkplain Recorder#timeline() timeline} of the
 * function's {@link Recorder}, so tests can see whether runs of one partition or shard overlapped; each
 * finished run is recorded as a {@link Run}.
 */
public final class StuckOnceFunction implements Function {

    /** How long a {@code stuck} value blocks on its first run. */
    public static final long BLOCK_MILLIS = 1_600;

    private Recorder recorder;

    @Override
    public void init(InitContext context) {
        recorder = Recorder.of(context.functionName());
    }

    @Override
    public Response handle(Context context, Event event) {
        String value = event.bodyString();
        int attempt = recorder.attempt(value);
        recorder.started(event, value, attempt);
        try {
            boolean fail = false;
            if (value.startsWith("stuck") && attempt == 1) {
                blockIgnoringInterrupts();
                fail = value.startsWith("stuckfail");
            }
            recorder.record(Run.of(event, value, attempt, !fail));
            if (fail) {
                throw new IllegalStateException("failed late: " + value);
            }
            return Response.noContent();
        } finally {
            recorder.ended(event, value, attempt);
        }
    }

    private static void blockIgnoringInterrupts() {
        long until = System.nanoTime() + BLOCK_MILLIS * 1_000_000L;
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ignored) {
                // deliberately ignored: the watchdog's interrupt does not stop this function
            }
        }
    }
}
