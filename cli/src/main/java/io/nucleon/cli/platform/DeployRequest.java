package io.nucleon.cli.platform;

import io.nucleon.config.FunctionConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A function ready to deploy: its resolved configuration and its code.
 *
 * @param config the validated, resolved function.yaml
 * @param resolvedYaml the same as text, which the processor reads and {@code nucleon export} prints
 * @param code a staging directory the platform takes over (moves) when it deploys: compiled classes and
 *     copied jars; empty when all code is in {@code extraClasspath}
 * @param codeClasspath entries relative to {@code code}, in classpath order
 * @param extraClasspath absolute jars or directories used where they are (from {@code --classpath})
 * @param readyTimeout how long to wait for the processor to become ready
 */
public record DeployRequest(
        FunctionConfig config,
        String resolvedYaml,
        Optional<Path> code,
        List<String> codeClasspath,
        List<Path> extraClasspath,
        Duration readyTimeout) {

    public DeployRequest {
        codeClasspath = List.copyOf(codeClasspath);
        extraClasspath = List.copyOf(extraClasspath);
    }

    /** @return the function's name */
    public String name() {
        return config.name();
    }
}
