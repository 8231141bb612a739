package io.nucleon.cli.platform;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where deployed functions run. {@link LocalPlatform} starts processor processes on this machine; a
 * Kubernetes platform will create resources for the controller instead, behind the same calls.
 */
public interface Platform {

    /**
     * Deploys a function, replacing a deployment of the same name.
     *
     * @param request the resolved function and its code
     * @param progress told about each step (building, starting, ready)
     * @return the running function
     * @throws PlatformException when it cannot be deployed; a running deployment is left as it was
     *     unless the message says otherwise
     */
    FunctionStatus deploy(DeployRequest request, Progress progress);

    /**
     * @param name a function name
     * @return its status, or empty when no function of that name is deployed
     */
    Optional<FunctionStatus> get(String name);

    /**
     * The URL {@code invoke} calls, found without asking the function's processors anything (a call less before
     * the first answer).
     *
     * @param name a function name
     * @return the function's URL
     * @throws PlatformException when it is not deployed, not running, or has no HTTP trigger
     */
    String invocationUrl(String name);

    /** @return every deployed function, by name */
    List<FunctionStatus> list();

    /**
     * Stops a function gracefully and forgets it.
     *
     * @param name a deployed function's name
     * @return how it stopped, in a few words
     * @throws PlatformException when no function of that name is deployed
     */
    String delete(String name);

    /**
     * Writes a function's processor logs.
     *
     * @param name a deployed function's name
     * @param replica one replica's log only; empty for all, each line prefixed with {@code [N]} when there are
     *     several
     * @param out where to write
     * @param follow keep writing new lines until the function's processes end (or the command is interrupted)
     */
    void logs(String name, OptionalInt replica, PrintStream out, boolean follow);

    /**
     * @param name a deployed function's name
     * @return the resolved function.yaml it runs with
     */
    String export(String name);

    /** Told about the steps of a deployment, for progress lines. */
    @FunctionalInterface
    interface Progress {
        /**
         * @param step a word: building, stopping, starting, ready
         * @param detail one line about it
         */
        void step(String step, String detail);
    }
}
