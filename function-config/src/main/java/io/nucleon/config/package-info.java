/**
 * The function.yaml model (Nuclio's shape: apiVersion, kind, metadata, spec) and its strict loader.
 *
 * <p>Every error names the field by its path and the file position, e.g. {@code function.yaml line 12:
 * spec.triggers.http.numWorkers: must be an integer from 1 to 1024, got 'many'}. The processor, the CLI
 * and the controller all read configuration through this package, so none of them depends on the
 * processor's internals.
 */
package io.nucleon.config;
