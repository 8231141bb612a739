package io.nucleon.cli.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the {@code nucleon-processor} launcher: the {@code --processor} option, else {@code
 * $NUCLEON_PROCESSOR}, else next to the CLI's own installation (a sibling {@code nucleon-processor}
 * distribution, or the build tree's {@code processor-image/target/nucleon-processor}).
 */
public final class ProcessorLocator {

    /** The environment variable naming the launcher. */
    public static final String ENV = "NUCLEON_PROCESSOR";

    private static final String LAUNCHER = "nucleon-processor/bin/nucleon-processor";

    private ProcessorLocator() {}

    /**
     * @param option the {@code --processor} value, if given
     * @param env the value of {@value #ENV}, if set
     * @param cliHome the CLI's installation directory, if known
     * @return the launcher
     * @throws PlatformException when none is found
     */
    public static Path locate(Optional<Path> option, Optional<String> env, Optional<Path> cliHome) {
        if (option.isPresent()) {
            return executable(option.get(), "--processor");
        }
        if (env.isPresent() && !env.get().isBlank()) {
            return executable(Path.of(env.get()), ENV);
        }
        List<Path> candidates = new ArrayList<>();
        cliHome.ifPresent(home -> {
            candidates.add(home.resolveSibling(LAUNCHER));
            candidates.add(home.resolve("../../../processor-image/target/" + LAUNCHER));
        });
        return candidates.stream()
                .map(Path::normalize)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new PlatformException("cannot find nucleon-processor: pass --processor PATH or set "
                        + ENV + " to its bin/nucleon-processor (looked in " + candidates + ")"));
    }

    private static Path executable(Path launcher, String source) {
        if (!Files.isExecutable(launcher)) {
            throw new PlatformException(
                    source + ": '" + launcher + "' is not an executable nucleon-processor launcher");
        }
        return launcher.toAbsolutePath();
    }
}
