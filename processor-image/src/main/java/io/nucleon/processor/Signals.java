package io.nucleon.processor;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful stop. Handling the signals ourselves (instead of relying on
 * shutdown hooks) lets the process drain and then exit with 0, as Kubernetes expects, rather than 143.
 */
final class Signals {

    private Signals() {}

    static void onTermination(Runnable action) {
        Signal.handle(new Signal("TERM"), signal -> action.run());
        Signal.handle(new Signal("INT"), signal -> action.run());
    }
}
