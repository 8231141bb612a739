package io.nucleon.benchmarks.kafka;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What a consumer's own metrics (the Kafka client's JMX beans) say about how it spent a run: how often
 * it polled, how much of the time it waited inside poll, how many fetches and commits it sent. Read
 * while the consumer is still open, by its {@code client.id}; the averages are Kafka's (a window of the
 * last 30-60 s), the totals count the whole run including the group join.
 *
 * @param timeBetweenPollMs average time between two calls to poll
 * @param pollIdleRatio share of the time spent waiting inside poll
 * @param fetches fetch requests sent
 * @param recordsPerFetch average records per fetch request
 * @param commits offset commits sent
 */
record ConsumerStats(
        double timeBetweenPollMs, double pollIdleRatio, double fetches, double recordsPerFetch, double commits) {

    static final ConsumerStats UNKNOWN = new ConsumerStats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    static ConsumerStats read(String clientId) {
        // Used as is: these client ids have no character that the client's JmxReporter would quote.
        String id = clientId;
        return new ConsumerStats(
                value("consumer-metrics", id, "time-between-poll-avg"),
                value("consumer-metrics", id, "poll-idle-ratio-avg"),
                value("consumer-fetch-manager-metrics", id, "fetch-total"),
                value("consumer-fetch-manager-metrics", id, "records-per-request-avg"),
                value("consumer-coordinator-metrics", id, "commit-total"));
    }

    private static double value(String type, String clientId, String attribute) {
        try {
            ObjectName name = new ObjectName("kafka.consumer:type=" + type + ",client-id=" + clientId);
            Object value = JMX.isRegistered(name) ? JMX.getAttribute(name, attribute) : null;
            return value instanceof Number number ? number.doubleValue() : Double.NaN;
        } catch (JMException e) {
            return Double.NaN;
        }
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "poll every %.2f ms (idle in poll %.0f%%), %,.0f fetches (%,.0f records each), %,.0f commits",
                timeBetweenPollMs,
                100 * pollIdleRatio,
                fetches,
                recordsPerFetch,
                commits);
    }
}
