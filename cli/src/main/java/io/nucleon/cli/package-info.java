/**
 * The {@code nucleon} command: one class per subcommand, plus how a function's code is built (sources
 * compiled on the fly, jars inspected) and how its function.yaml is resolved before a platform deploys it.
 */
package io.nucleon.cli;
