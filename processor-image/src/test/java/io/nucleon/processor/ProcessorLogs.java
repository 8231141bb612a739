package io.nucleon.processor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What the processor ITs share about their run directories and logs. */
final class ProcessorLogs {

    private ProcessorLogs() {}

    /** Prints the last 40 lines of each processor's log, for a failed test. */
    static void printTails(List<ProcessorProcess> processors) {
        for (ProcessorProcess processor : processors) {
            try {
                List<String> log = Files.readAllLines(processor.output);
                System.err.printf(
                        "---- last lines of %s (pid %d) ----%n%s%n",
                        processor.output,
                        processor.process.pid(),
                        String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())));
            } catch (IOException e) {
                System.err.println("cannot read " + processor.output + ": " + e);
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
