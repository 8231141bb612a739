package io.nucleon.cli;

import io.nucleon.cli.platform.PlatformException;
import io.nucleon.config.ConfigException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code nucleon} command. Errors are one line on stderr ({@code nucleon: ...}); exit codes are 0 for
 * success, 1 when the command could not do its work (unknown function, processor failed, {@code invoke
 * --fail} got a 4xx/5xx) and 2 for bad input (arguments, function.yaml, paths, sources that do not compile).
 */
@Command(
        name = "nucleon",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Deploys, invokes and inspects Nucleon functions (locally: no Docker, no cluster).",
        subcommands = {
            DeployCommand.class,
            InvokeCommand.class,
            GetCommand.class,
            LogsCommand.class,
            DeleteCommand.class,
            ExportCommand.class,
            VersionCommand.class,
            CompletionCommand.class,
            SuperviseCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Examples:",
            "  nucleon deploy -f examples/hello/function.yaml",
            "  nucleon invoke hello -b Ada",
            "  nucleon get",
            "  nucleon delete hello",
            "",
            "State lives under $NUCLEON_HOME (default ~/.nucleon).",
            "Exit codes: 0 done, 1 failed, 2 bad input (arguments, function.yaml, paths, compile errors)."
        })
public final class Main implements Runnable {

    static final int EXIT_FAILED = 1;
    static final int EXIT_BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    /**
     * Entry point.
     *
     * @param args command-line arguments; see {@code nucleon --help}
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            e.getCommandLine()
                    .getErr()
                    .println("nucleon: " + e.getMessage() + " (see nucleon "
                            + e.getCommandLine()
                                    .getCommandName()
                                    .replace("nucleon", "")
                                    .strip() + " --help)");
            return EXIT_BAD_INPUT;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            err.println("nucleon: " + message(e));
            err.flush();
            return exitCode(e);
        });
        return commandLine;
    }

    private static String message(Exception e) {
        return switch (e) {
            case CliException cli -> cli.getMessage();
            case PlatformException platform -> platform.getMessage();
            case ConfigException config -> config.getMessage();
            case UncheckedIOException io ->
                io.getMessage() + ": " + io.getCause().getMessage();
            default -> e.toString();
        };
    }

    private static int exitCode(Exception e) {
        return switch (e) {
            case CliException cli -> cli.exitCode();
            case ConfigException config -> EXIT_BAD_INPUT;
            default -> EXIT_FAILED;
        };
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
