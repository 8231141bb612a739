/**
 * Test functions for trigger tests, deployed by class name from a test's function.yaml ({@code handler:}).
 *
 * <p>{@link io.nucleon.testing.functions.RecordingFunction}, {@link
 * io.nucleon.testing.functions.RecordingBatchFunction} and {@link io.nucleon.testing.functions.StuckOnceFunction}
 * find their {@link io.nucleon.testing.functions.Recorder} by the function's name when the runtime
 * initialises them; a test gets the same recorder with {@link io.nucleon.testing.functions.Recorder#of} and
 * the name it wrote into function.yaml. A test with a function name of its own therefore sees only its own
 * runs, even when processors of earlier tests still run in the same JVM.
 *
 * <p>What a function does with an event is decided by the event's body (its <em>value</em>), so a test sets
 * up a failure by what it publishes: see {@link io.nucleon.testing.functions.RecordingFunction}. Each {@link
 * io.nucleon.testing.functions.Run} keeps the event's fields as the function saw them, so tests of every
 * trigger ask the same questions of a recorder.
 */
package io.nucleon.testing.functions;
