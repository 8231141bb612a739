/**
 * Where functions run: the {@link io.nucleon.cli.platform.Platform} contract and its local implementation,
 * which starts each function as a processor process and keeps its state under {@code $NUCLEON_HOME}.
 */
package io.nucleon.cli.platform;
