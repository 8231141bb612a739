package io.nucleon.cli;

import io.nucleon.cli.platform.StateDirectory;
import io.nucleon.cli.platform.Supervisor;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nucleon supervise NAME}: the local platform's supervisor of one function, which {@code deploy} starts
 * when the function's restart policy asks for restarts. Not for users to run; hidden from the help.
 */
@Command(
        name = "supervise",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Restarts a function's processors that end by themselves, as its restartPolicy asks.")
final class SuperviseCommand implements Runnable {

    @Option(names = "--state-dir", required = true, paramLabel = "DIR", description = "The state directory.")
    Path stateDir;

    @Parameters(paramLabel = "NAME", description = "The function.")
    String name;

    @Override
    public void run() {
        new Supervisor(new StateDirectory(stateDir), name, System.out).run();
    }
}
