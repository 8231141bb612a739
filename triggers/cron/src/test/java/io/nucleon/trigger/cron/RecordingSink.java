package io.nucleon.trigger.cron;

import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for the worker pool in agent tests: records when each tick fired. Ticks complete at once
 * unless {@link #holding} is set, in which case they stay in flight until {@link #completeOne()}.
 */
final class RecordingSink implements TickSink {

    final List<Long> firedAtMillis = new ArrayList<>();
    final List<Long> sequences = new ArrayList<>();
    final List<Long> scheduledAtMillis = new ArrayList<>();
    private final ManualEpochClock clock;
    boolean holding;
    boolean ringFull;
    boolean failing;
    private int inFlight;

    RecordingSink(ManualEpochClock clock) {
        this.clock = clock;
    }

    @Override
    public boolean fire(long sequence, long scheduledMillis) {
        if (failing) {
            throw new IllegalStateException("dispatcher failed");
        }
        if (ringFull) {
            return false;
        }
        firedAtMillis.add(clock.time());
        sequences.add(sequence);
        scheduledAtMillis.add(scheduledMillis);
        if (holding) {
            inFlight++;
        }
        return true;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    void completeOne() {
        inFlight--;
    }

    int fired() {
        return firedAtMillis.size();
    }
}
