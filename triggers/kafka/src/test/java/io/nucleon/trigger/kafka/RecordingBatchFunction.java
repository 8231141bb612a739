package io.nucleon.trigger.kafka;

import io.nucleon.function.BatchFunction;
import io.nucleon.function.BatchResult;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.InitContext;
import java.util.ArrayList;
import java.util.List;

/** Records each batch; reports the records that {@link Recorder#shouldFail} picks as failed. */
public final class RecordingBatchFunction implements BatchFunction {

    private Recorder recorder;

    @Override
    public void init(InitContext context) {
        recorder = Recorder.of(context.functionName());
    }

    @Override
    public BatchResult handleBatch(Context context, List<Event> events) {
        long arrived = System.nanoTime();
        List<String> values = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            String value = event.bodyString();
            values.add(value);
            boolean fail = recorder.shouldFail(value);
            if (fail) {
                failed.add(i);
            }
            recorder.seen.add(new Recorder.Seen(
                    event.triggerName(),
                    event.partition(),
                    event.offset(),
                    value,
                    !fail,
                    Thread.currentThread().getName()));
        }
        recorder.batchSizes.add(events.size());
        recorder.batchNanos.add(arrived);
        recorder.batches.add(values);
        return BatchResult.failed(failed.stream().mapToInt(Integer::intValue).toArray());
    }
}
