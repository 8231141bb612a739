package io.nucleon.config;

import java.util.Locale;

/**
 * {@code spec.platform.attributes.restartPolicy}: whether a platform restarts a processor that ended without
 * being stopped. The names are Nuclio's (which are Docker's).
 *
 * <pre>{@code
 * platform:
 *   attributes:
 *     restartPolicy:
 *       name: on-failure        # no | on-failure | always | unless-stopped
 *       maximumRetryCount: 5    # 0: no limit
 * }</pre>
 *
 * @param name when to restart
 * @param maximumRetryCount the most restarts, 0 for no limit
 */
public record RestartPolicy(Name name, int maximumRetryCount) {

    /** Never restart: the default. */
    public static final RestartPolicy NO = new RestartPolicy(Name.NO, 0);

    /** The most {@code maximumRetryCount} allowed: {@value}. */
    public static final int MAX_RETRY_COUNT = 1_000_000;

    /** When to restart. */
    public enum Name {
        /** Never. */
        NO("no"),
        /** When the processor failed: it exited without its orderly stop (a crash, a kill, an error at start). */
        ON_FAILURE("on-failure"),
        /** Whenever it ended without the platform stopping it, even after an orderly stop someone else asked for. */
        ALWAYS("always"),
        /** The same as {@link #ALWAYS} for the local platform (it has no daemon restart to tell them apart). */
        UNLESS_STOPPED("unless-stopped");

        private final String yaml;

        Name(String yaml) {
            this.yaml = yaml;
        }

        /** @return the name as function.yaml spells it */
        public String yaml() {
            return yaml;
        }

        /**
         * @param text a name as function.yaml spells it
         * @return the name, or null when there is none of that spelling
         */
        static Name parse(String text) {
            for (Name name : values()) {
                if (name.yaml.equals(text.toLowerCase(Locale.ROOT))) {
                    return name;
                }
            }
            return null;
        }
    }

    /** @return whether a processor is restarted at all */
    public boolean restarts() {
        return name != Name.NO;
    }

    /**
     * @param failed whether the processor ended without its orderly stop
     * @return whether a processor that ended that way is restarted (the retry count aside)
     */
    public boolean restartsAfter(boolean failed) {
        return switch (name) {
            case NO -> false;
            case ON_FAILURE -> failed;
            case ALWAYS, UNLESS_STOPPED -> true;
        };
    }
}
