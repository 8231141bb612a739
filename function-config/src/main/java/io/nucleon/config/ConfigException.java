package io.nucleon.config;

/** An invalid function.yaml: the message names the file, line and field, on one line. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param location where in which file the problem is
     * @param field the dotted path of the field, e.g. {@code spec.triggers.http.numWorkers}
     * @param problem what is wrong, e.g. {@code is required}
     */
    public ConfigException(ConfigLocation location, String field, String problem) {
        super(oneLine(location + ": " + field + ": " + problem));
    }

    ConfigException(ConfigLocation location, String problem) {
        super(oneLine(location + ": " + problem));
    }

    /** Values are quoted into messages; a line break in one must not split the message. */
    private static String oneLine(String message) {
        return message.replace("\r", "\\r").replace("\n", "\\n");
    }
}
