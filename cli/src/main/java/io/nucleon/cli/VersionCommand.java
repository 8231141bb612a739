package io.nucleon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nucleon version}: the CLI's version and the Java it runs on. */
@Command(name = "version", description = "Prints the CLI's version.")
final class VersionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().println(version());
        spec.commandLine().getOut().println("java " + Runtime.version());
    }

    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return "nucleon " + (version == null ? "(development build)" : version);
    }

    /** For {@code nucleon --version}. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {version()};
        }
    }
}
