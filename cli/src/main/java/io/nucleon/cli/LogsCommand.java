package io.nucleon.cli;

import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nucleon logs NAME [-f]}: the processor's JSON log lines. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = "Prints a function's processor log (one JSON object per line).",
        footer = {"", "Examples:", "  nucleon logs hello", "  nucleon logs -f hello"})
final class LogsCommand implements Runnable {

    @Mixin
    GlobalOptions global;

    @Parameters(paramLabel = "NAME", description = "The function.")
    String name;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new lines until the processor exits (or Ctrl-C).")
    boolean follow;

    @Override
    public void run() {
        global.platform().logs(name, new PrintStream(System.out, true), follow);
    }
}
