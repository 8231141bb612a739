package io.nucleon.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nucleon export NAME}: the resolved function.yaml a function runs with. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Prints the resolved function.yaml of a deployed function.",
        footer = {"", "Example:", "  nucleon export hello > hello.yaml"})
final class ExportCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Parameters(paramLabel = "NAME", description = "The function.")
    String name;

    @Override
    public void run() {
        spec.commandLine().getOut().print(global.platform().export(name));
        spec.commandLine().getOut().flush();
    }
}
