package io.nucleon.processor;

import io.nucleon.runtime.Processor;
import java.io.PrintStream;
import org.slf4j.LoggerFactory;

/**
 * Drains the processor when the JVM is asked to stop (SIGTERM, SIGINT) and then ends the process with
 * exit code 0, as Kubernetes and supervisors expect, instead of the JVM's 143 for a signal. Uses only
 * the standard shutdown-hook mechanism: the hook drains, then {@link Runtime#halt(int)} sets the code.
 */
final class GracefulStop {

    private GracefulStop() {}

    static void install(Processor processor) {
        Thread hook = Thread.ofPlatform().name("nucleon-shutdown").unstarted(() -> {
            LoggerFactory.getLogger(GracefulStop.class)
                    .atInfo()
                    .setMessage("termination requested; draining")
                    .log();
            try {
                processor.close();
            } finally {
                flush(System.out);
                flush(System.err);
                Runtime.getRuntime().halt(0);
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private static void flush(PrintStream stream) {
        stream.flush();
    }
}
