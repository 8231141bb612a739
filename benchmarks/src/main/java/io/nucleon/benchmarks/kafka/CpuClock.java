package io.nucleon.benchmarks.kafka;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/**
 * CPU time used so far by this JVM and by the broker's JVM, so that a measurement can say who used the
 * two cores: on a small machine the consumer, the broker and the workers all compete for them.
 */
final class CpuClock {

    /** Reads nothing: for runs that need no CPU figures. */
    static final CpuClock NONE = new CpuClock(null);

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final ProcessHandle broker;

    private CpuClock(ProcessHandle broker) {
        this.broker = broker;
    }

    /**
     * This JVM, and the broker JVM if it is the one Java child process of this one (the nucleon-testing-kafka
     * broker is; the JDK does not always return a child's long command line, so the command is all there
     * is to match).
     */
    static CpuClock ofThisJvmAndBroker() {
        List<ProcessHandle> javaChildren = ProcessHandle.current()
                .children()
                .filter(ProcessHandle::isAlive)
                .filter(child -> child.info().command().orElse("").endsWith("java"))
                .toList();
        return new CpuClock(javaChildren.size() == 1 ? javaChildren.get(0) : null);
    }

    /** @return whether the broker's CPU time is known */
    boolean seesBroker() {
        return broker != null;
    }

    Reading read() {
        long self = OS.getProcessCpuTime();
        long brokerNanos = broker == null
                ? -1
                : broker.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        return new Reading(self, brokerNanos);
    }

    /**
     * CPU time in nanoseconds.
     *
     * @param selfNanos this JVM
     * @param brokerNanos the broker JVM, or -1 when unknown
     */
    record Reading(long selfNanos, long brokerNanos) {
        Reading minus(Reading earlier) {
            return new Reading(
                    selfNanos - earlier.selfNanos,
                    brokerNanos < 0 || earlier.brokerNanos < 0 ? -1 : brokerNanos - earlier.brokerNanos);
        }
    }
}
