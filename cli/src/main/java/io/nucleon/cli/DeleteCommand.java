package io.nucleon.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nucleon delete NAME}: graceful stop (SIGTERM, drain), then the state is removed. */
@Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description = "Stops a function gracefully (in-flight events finish) and removes its state.",
        footer = {"", "Example:", "  nucleon delete hello"})
final class DeleteCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Parameters(paramLabel = "NAME", description = "The function.")
    String name;

    @Option(
            names = "--timeout",
            defaultValue = "30s",
            paramLabel = "DURATION",
            description = "How long the processor may drain before it is killed (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public void run() {
        String how = global.platform(Arguments.duration("--timeout", timeout)).delete(name);
        spec.commandLine().getOut().println("deleted " + name + " (" + how + ")");
    }
}
