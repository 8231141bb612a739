package io.nucleon.trigger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import io.nucleon.testing.kafka.KafkaBroker;
import io.nucleon.testing.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two processors in one consumer group while records flow: the second one's arrival moves partitions
 * over (cooperative-sticky), the first one's departure moves the rest. Nothing is lost, duplicates stay
 * within the hand-over window, and each processor handles each of its partitions in offset order.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaRebalanceIT {

    private static final String RUNS = RecordingFunction.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 4;
    private static final int AT_LEAST = 4000;
    private static final String A = "orders-a";
    private static final String B = "orders-b";

    /**
     * Records a partition may be handled twice when it changes owner. A clean hand-over commits
     * everything the old owner finished, inside onPartitionsRevoked, so the expected count is 0. What
     * can repeat is bounded per partition that changes owner by (1) one run the old owner could not
     * finish within workerTerminationTimeout: at most {@link KafkaPollLoop#MAX_RUN} records, which the
     * new owner starts again from the run's first offset; plus (2) records settled since the last
     * successful commit if the revoke-time commit itself failed: one commitInterval (100 ms) of work,
     * at most 100 records at the function's 1 ms per record (a partition has one unit in flight).
     * At most all 4 partitions change owner: 4 * (MAX_RUN + 100).
     */
    private static final int MAX_DUPLICATES = PARTITIONS * (KafkaPollLoop.MAX_RUN + 100);

    private final KafkaBroker broker;

    KafkaRebalanceIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void shouldHandOverPartitionsWithoutLosingRecordsWhenAProcessorJoinsAndLeaves() throws Exception {
        KafkaFixture kafka = new KafkaFixture(broker, "rebalance", PARTITIONS);
        Recorder recorder = Recorder.of(kafka.function);
        recorder.delayMillis(1); // the function keeps ~1 s behind the producer: work is in flight at hand-over
        Set<String> produced = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();

        Processor a = kafka.start(A, KafkaTriggerFactory.KIND, RUNS, 2, "", "");
        Processor b = null;
        try {
            Thread producer = Thread.ofPlatform()
                    .name("rebalance-producer")
                    .start(() -> produceSteadily(kafka, produced, stop, producerFailure));
            try {
                await().atMost(WAIT).until(() -> recorder.succeededValuesBy(A).size() >= 500);
                b = kafka.start(B, KafkaTriggerFactory.KIND, RUNS, 2, "", "");
                await().atMost(WAIT).until(() -> !recorder.succeededValuesBy(B).isEmpty());
                await().atMost(WAIT).until(() -> produced.size() >= AT_LEAST);
            } finally {
                stop.set(true);
                producer.join();
            }
            assertThat(producerFailure.get()).as("producer").isNull();

            await().atMost(WAIT).until(() -> new HashSet<>(recorder.succeededValues()).containsAll(produced));
            List<String> handled = recorder.succeededValues();
            int duplicates = handled.size() - new HashSet<>(handled).size();
            assertThat(duplicates)
                    .as("records handled twice across the hand-over (%d produced)", produced.size())
                    .isLessThanOrEqualTo(MAX_DUPLICATES);
            assertThat(KafkaFixture.ownedPartitions(a) + KafkaFixture.ownedPartitions(b))
                    .isEqualTo(PARTITIONS);
            assertThat(KafkaFixture.ownedPartitions(b)).isGreaterThan(0);
            assertThat(recorder.drainThreads())
                    .as("A ran its functions' drain hooks before giving partitions to B")
                    .anySatisfy(thread -> assertThat(thread).startsWith("nucleon-worker-" + A + "-"));
            assertThat(recorder.drains()).isPositive();
            assertOffsetOrderWithinEachProcessor(recorder);
            System.out.printf(
                    "rebalance: %d produced, %d handled by A, %d by B, %d duplicates%n",
                    produced.size(),
                    recorder.succeededValuesBy(A).size(),
                    recorder.succeededValuesBy(B).size(),
                    duplicates);

            a.close();
            Processor survivor = b;
            await().atMost(WAIT).until(() -> KafkaFixture.ownedPartitions(survivor) == PARTITIONS);
            List<String> more = KafkaFixture.values("after-a-left-", 200);
            try (KafkaProducer<String, String> last = kafka.producer()) {
                for (int i = 0; i < more.size(); i++) {
                    last.send(new ProducerRecord<>(kafka.topic, i % PARTITIONS, null, more.get(i)));
                }
            }
            await().atMost(WAIT).until(() -> recorder.succeededValuesBy(B).containsAll(more));
            assertThat(recorder.succeededValuesBy(A)).doesNotContainAnyElementsOf(more);
            assertOffsetOrderWithinEachProcessor(recorder);
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }
    }

    /** 10 records every 5 ms, round-robin over the partitions (~2000 records/s), until told to stop. */
    private static void produceSteadily(
            KafkaFixture kafka, Set<String> produced, AtomicBoolean stop, AtomicReference<Throwable> failure) {
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int i = 0; !stop.get() && i < 10 * AT_LEAST; i++) {
                String value = "r" + i;
                producer.send(new ProducerRecord<>(kafka.topic, i % PARTITIONS, null, value), (metadata, error) -> {
                    if (error == null) {
                        produced.add(value);
                    } else {
                        failure.compareAndSet(null, error);
                    }
                });
                if (i % 10 == 9) {
                    Thread.sleep(5); // pacing the producer, not waiting for a condition
                }
            }
            producer.flush();
        } catch (InterruptedException | RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private static void assertOffsetOrderWithinEachProcessor(Recorder recorder) {
        Map<String, Integer> checked = new HashMap<>();
        for (String trigger : List.of(A, B)) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                List<Long> offsets = recorder.succeededOffsets(trigger, partition);
                assertThat(offsets)
                        .as("%s, partition %d: offset order, each record once", trigger, partition)
                        .isSorted()
                        .doesNotHaveDuplicates();
                checked.merge(trigger, offsets.size(), Integer::sum);
            }
        }
        assertThat(checked.values()).allSatisfy(count -> assertThat(count).isPositive());
    }
}
