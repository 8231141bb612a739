package io.nucleon.cli;

import java.io.PrintStream;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nucleon logs NAME [-f]}: the processor's JSON log lines. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = "Prints a function's processor log (one JSON object per line).",
        footer = {"", "Examples:", "  nucleon logs hello", "  nucleon logs -f hello", "  nucleon logs hello --replica 1"
        })
final class LogsCommand implements Runnable {

    @Mixin
    GlobalOptions global;

    @Parameters(paramLabel = "NAME", description = "The function.")
    String name;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new lines until the function's processes end (or Ctrl-C).")
    boolean follow;

    @Option(
            names = "--replica",
            paramLabel = "N",
            description = "Only replica N's log (default: all, each line prefixed with [N] when there are several).")
    Integer replica;

    @Override
    public void run() {
        if (replica != null && replica < 0) {
            throw CliException.badInput("--replica: must be 0 or more, got " + replica);
        }
        global.platform()
                .logs(
                        name,
                        replica == null ? OptionalInt.empty() : OptionalInt.of(replica),
                        new PrintStream(System.out, true),
                        follow);
    }
}
