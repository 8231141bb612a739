package demo;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.Response;
import org.apache.commons.lang3.StringUtils;

/** Answers the body reversed and in capitals, with commons-lang3 (a dependency in the project's pom.xml). */
public final class Shout implements Function {

    @Override
    public Response handle(Context context, Event event) {
        return Response.ok(StringUtils.upperCase(StringUtils.reverse(event.bodyString())));
    }
}
