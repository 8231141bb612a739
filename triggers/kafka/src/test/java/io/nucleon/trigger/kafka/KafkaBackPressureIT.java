package io.nucleon.trigger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import io.nucleon.testing.kafka.KafkaBroker;
import io.nucleon.testing.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A slow function and a long partition: the trigger pauses the partition instead of buffering it all. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaBackPressureIT {

    private static final String RUNS = RecordingFunction.class.getName();
    private static final int RECORDS = 3000;
    private static final int MAX_POLL_RECORDS = 50;

    private final KafkaBroker broker;

    KafkaBackPressureIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void shouldPauseAFullPartitionAndNeverBufferMoreThanTheBoundPlusOnePoll() {
        KafkaFixture kafka = new KafkaFixture(broker, "back-pressure", 1);
        kafka.produce(0, KafkaFixture.values("r", RECORDS));
        Recorder recorder = Recorder.of(kafka.function);
        recorder.delayMillis(2); // ~470 records/s on one worker: the consumer fetches far faster
        List<Double> buffered = new CopyOnWriteArrayList<>();
        List<Double> paused = new CopyOnWriteArrayList<>();
        String attributes = "        maxPollRecords: " + MAX_POLL_RECORDS;
        try (Processor processor = kafka.start(RUNS, 1, "", attributes)) {
            KafkaTrigger trigger = (KafkaTrigger) processor.trigger("orders");
            int maxBuffered = trigger.loop().maxBufferedPerPartition();
            assertThat(maxBuffered).isEqualTo(2 * Math.max(MAX_POLL_RECORDS, KafkaPollLoop.MAX_RUN));

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        buffered.add(KafkaFixture.gauge(processor, "nucleon_kafka_buffered_records"));
                        paused.add(KafkaFixture.gauge(processor, "nucleon_kafka_paused_partitions"));
                        return recorder.succeededValues().size() >= RECORDS;
                    });

            // The partition pauses once its buffer holds maxBuffered, checked before each poll: one poll
            // more (maxPollRecords) may land on top of it, never more.
            assertThat(buffered)
                    .as("buffered records, sampled every 20 ms")
                    .hasSizeGreaterThan(10)
                    .allSatisfy(value -> assertThat(value).isLessThanOrEqualTo(maxBuffered + MAX_POLL_RECORDS));
            assertThat(buffered).anySatisfy(value -> assertThat(value).isGreaterThanOrEqualTo(maxBuffered / 2.0));
            assertThat(paused).as("paused partitions, sampled").contains(1.0).allSatisfy(value -> assertThat(value)
                    .isBetween(0.0, 1.0));

            await().atMost(Duration.ofSeconds(10)).until(() -> kafka.committed(0) == RECORDS);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> KafkaFixture.gauge(processor, "nucleon_kafka_buffered_records") == 0
                            && KafkaFixture.gauge(processor, "nucleon_kafka_paused_partitions") == 0
                            && KafkaFixture.gauge(processor, "nucleon_kafka_consumer_lag") == 0);
        }
        assertThat(recorder.succeededOffsets(0))
                .isSorted()
                .doesNotHaveDuplicates()
                .hasSize(RECORDS);
    }

    @Test
    void shouldKeepTheTotalAcrossPartitionsUnderMaxBufferedRecordsPlusOnePoll() {
        int partitions = 4;
        int maxTotal = 300; // below 4 partitions x 256 per partition: the total bound is the one that holds
        KafkaFixture kafka = new KafkaFixture(broker, "back-pressure-total", partitions);
        for (int partition = 0; partition < partitions; partition++) {
            kafka.produce(partition, KafkaFixture.values("p" + partition + "-", 600));
        }
        Recorder recorder = Recorder.of(kafka.function);
        recorder.delayMillis(1);
        List<Double> buffered = new CopyOnWriteArrayList<>();
        String attributes = "        maxPollRecords: " + MAX_POLL_RECORDS + "\n        maxBufferedRecords: " + maxTotal;
        try (Processor processor = kafka.start(RUNS, 2, "", attributes)) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        buffered.add(KafkaFixture.gauge(processor, "nucleon_kafka_buffered_records"));
                        return recorder.succeededValues().size() >= partitions * 600;
                    });
        }
        assertThat(buffered)
                .as("records held across partitions, sampled every 20 ms")
                .hasSizeGreaterThan(10)
                .allSatisfy(value -> assertThat(value).isLessThanOrEqualTo(maxTotal + MAX_POLL_RECORDS));
        assertThat(buffered).anySatisfy(value -> assertThat(value).isGreaterThanOrEqualTo(maxTotal / 2.0));
    }
}
