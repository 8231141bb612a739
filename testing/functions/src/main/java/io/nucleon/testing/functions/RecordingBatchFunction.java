package io.nucleon.testing.functions;

import io.nucleon.function.BatchFunction;
import io.nucleon.function.BatchResult;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.InitContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Records each batch (its size, values and arrival time) and a {@link Run} of each of its events in the
 * {@link Recorder} of its function name, and reports as failed the events whose values fail by the
 * recorder's rules ({@code poison}, {@code flaky}, ...). It neither sleeps nor hangs.
 */
public final class RecordingBatchFunction implements BatchFunction {

    private Recorder recorder;

    @Override
    public void init(InitContext context) {
        recorder = Recorder.of(context.functionName());
    }

    @Override
    public BatchResult handleBatch(Context context, List<Event> events) {
        long arrived = System.nanoTime();
        List<String> values = new ArrayList<>(events.size());
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            String value = event.bodyString();
            values.add(value);
            int attempt = recorder.attempt(value);
            boolean fail = recorder.shouldFail(value, attempt);
            if (fail) {
                failed.add(i);
            }
            recorder.record(Run.of(event, value, attempt, !fail));
        }
        recorder.recordBatch(values, arrived);
        return BatchResult.failed(failed.stream().mapToInt(Integer::intValue).toArray());
    }
}
