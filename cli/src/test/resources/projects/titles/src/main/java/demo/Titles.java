package demo;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.Response;
import org.apache.commons.lang3.StringUtils;
import org.apache.commons.text.WordUtils;

/**
 * Answers the body in title case, its spaces normalised: commons-text (spec.build.dependencies) and
 * commons-lang3 (its dependency).
 */
public final class Titles implements Function {

    @Override
    public Response handle(Context context, Event event) {
        return Response.ok(WordUtils.capitalizeFully(StringUtils.normalizeSpace(event.bodyString())));
    }
}
