package io.nucleon.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nucleon.config.BatchConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When the batch timeout of a source starts counting, driven on the test thread with an explicit clock.
 * BatchConfig: "timeout: how long a batch waits to fill after its first event".
 */
class OrderedSourceBatchTimeoutTest {

    private static final BatchConfig BATCH = new BatchConfig(100, Duration.ofMillis(300));

    private final TestSource source = new TestSource();

    @Test
    void shouldSendAPartialBatchWhenTheTimeoutPassesAfterItsFirstRecord() {
        fetch(0, 7, 0);
        fetch(7, 2, 200);

        assertThat(source.nextUnit(ms(299), BATCH, 128)).isNull();
        assertThat(source.batchDueNanos(BATCH)).isEqualTo(ms(300));
        assertThat(source.nextUnit(ms(300), BATCH, 128).size()).isEqualTo(9);
    }

    /**
     * A record that arrives while the previous batch runs starts its own batch's wait: the pending list
     * still holds the batch in flight, so "pending was empty" would time it from the previous batch's
     * first record, and a steady trickle would go out in batches of one or two.
     */
    @Test
    void shouldTimeTheNextBatchFromItsOwnFirstRecord() {
        fetch(0, 1, 0);
        RecordUnit<TestSource.Rec> first = source.nextUnit(ms(300), BATCH, 128);
        source.dispatched(first, ms(300));
        fetch(1, 1, 310); // arrives while the first batch runs
        source.unitFinished();
        source.settleBatch(first, List.of());

        assertThat(source.nextUnit(ms(320), BATCH, 128))
                .as("offset 1 arrived at 310 ms: its batch waits to fill until 610 ms")
                .isNull();
        assertThat(source.batchDueNanos(BATCH)).isEqualTo(ms(610));
    }

    private void fetch(long firstOffset, int count, long atMillis) {
        for (long offset = firstOffset; offset < firstOffset + count; offset++) {
            source.fetched(new TestSource.Rec(offset), ms(atMillis));
        }
    }

    /** A clock far from 0, as System.nanoTime is. */
    private static long ms(long millis) {
        return 1_000_000_000_000L + TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
