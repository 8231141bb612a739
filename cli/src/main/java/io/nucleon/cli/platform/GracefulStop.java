package io.nucleon.cli.platform;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops processes the way a processor expects: SIGTERM (it stops taking events and drains), then a wait; a
 * kill only for one that has not ended when the time is up. Several processes drain at the same time.
 */
final class GracefulStop {

    private GracefulStop() {}

    /**
     * @param processes the processes to stop
     * @param timeout how long they may drain before they are killed
     * @return how they stopped, in a few words
     */
    static String stopAll(List<ProcessHandle> processes, Duration timeout) {
        if (processes.isEmpty()) {
            return "was not running";
        }
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + timeout.toNanos();
        int killed = 0;
        for (ProcessHandle process : processes) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!awaitExit(process, left)) {
                process.destroyForcibly();
                awaitExit(process, TimeUnit.SECONDS.toNanos(10));
                killed++;
            }
        }
        if (killed == 0) {
            return "stopped gracefully";
        }
        return (processes.size() == 1 ? "killed" : killed + " of " + processes.size() + " killed")
                + ": did not stop within " + timeout.toSeconds() + " s";
    }

    /** @return whether the process ended within {@code nanos} */
    private static boolean awaitExit(ProcessHandle process, long nanos) {
        try {
            process.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while stopping pid " + process.pid());
        } catch (ExecutionException e) {
            throw new PlatformException("cannot wait for pid " + process.pid() + ": " + e.getCause());
        }
    }
}
