package io.nucleon.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nucleon completion}: a bash (and zsh, with bashcompinit) completion script, made by picocli. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = "Prints a bash completion script for nucleon (zsh: run 'autoload -U +X bashcompinit &&"
                + " bashcompinit' first).",
        footer = {
            "",
            "Examples:",
            "  source <(nucleon completion)",
            "  nucleon completion > ~/.local/share/bash-completion/completions/nucleon"
        })
final class CompletionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine()
                .getOut()
                .print(AutoComplete.bash("nucleon", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
    }
}
