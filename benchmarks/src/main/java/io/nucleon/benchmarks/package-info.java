/**
 * Baselines for the load-test scripts: servers that do the least a server can do, to compare the
 * processor against on the same machine in the same run.
 */
package io.nucleon.benchmarks;
