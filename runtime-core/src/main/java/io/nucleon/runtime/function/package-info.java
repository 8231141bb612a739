/** Loading the user's handler class and giving it a logger. */
package io.nucleon.runtime.function;
