package io.nucleon.cli;

import io.nucleon.cli.platform.LocalPlatform;
import io.nucleon.cli.platform.Platform;
import io.nucleon.cli.platform.ProcessorLocator;
import io.nucleon.cli.platform.StateDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every command that talks to a platform takes. */
final class GlobalOptions {

    @Option(
            names = "--platform",
            defaultValue = "local",
            paramLabel = "local|kube",
            description = "Where functions run (default: ${DEFAULT-VALUE}).")
    String platform;

    @Option(
            names = "--processor",
            paramLabel = "PATH",
            description = "The nucleon-processor launcher (default: $NUCLEON_PROCESSOR, else the one installed"
                    + " beside the CLI).")
    Path processor;

    Platform platform(Duration stopTimeout) {
        return switch (platform) {
            case "local" ->
                new LocalPlatform(
                        StateDirectory.fromEnvironment(System.getenv(StateDirectory.ENV)),
                        () -> ProcessorLocator.locate(
                                Optional.ofNullable(processor),
                                Optional.ofNullable(System.getenv(ProcessorLocator.ENV)),
                                Optional.ofNullable(System.getProperty("nucleon.cli.home"))
                                        .map(Path::of)),
                        stopTimeout);
            case "kube" ->
                throw CliException.failed(
                        "--platform kube: the Kubernetes platform is not available yet; use --platform local (the default)");
            default -> throw CliException.badInput("--platform: must be local or kube, got '" + platform + "'");
        };
    }

    Platform platform() {
        return platform(Duration.ofSeconds(30));
    }
}
