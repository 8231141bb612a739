package io.nucleon.trigger.kinesis;

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
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            String value = event.bodyString();
            boolean fail = recorder.shouldFail(value);
            if (fail) {
                failed.add(i);
            }
            recorder.seen.add(RecordingFunction.seen(event, value, !fail));
        }
        recorder.batchSizes.add(events.size());
        return BatchResult.failed(failed.stream().mapToInt(Integer::intValue).toArray());
    }
}
