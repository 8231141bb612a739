package io.nucleon.config;

/**
 * A position in a configuration file.
 *
 * @param source the file name as the user gave it, e.g. {@code function.yaml}
 * @param line the 1-based line number, or 0 when unknown
 */
public record ConfigLocation(String source, int line) {

    @Override
    public String toString() {
        return line > 0 ? source + " line " + line : source;
    }
}
