package io.nucleon.cli.platform;

import java.util.Locale;
import java.util.regex.Pattern;

/** Function names as function.yaml allows them, which also keeps them safe as directory names. */
public final class FunctionNames {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private FunctionNames() {}

    /**
     * @param name a candidate name
     * @return whether it is lower-case letters, digits and '-', starting and ending with a letter or digit,
     *     at most 63 characters
     */
    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * @param text a file or directory name, say
     * @return a valid function name made from it ({@code My_Func.jar} becomes {@code my-func})
     */
    public static String derive(String text) {
        String name = text.replaceFirst("\\.jar$", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (name.length() > 63) {
            name = name.substring(0, 63).replaceAll("-+$", "");
        }
        return name.isEmpty() ? "function" : name;
    }
}
