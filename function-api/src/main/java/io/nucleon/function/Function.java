package io.nucleon.function;

/**
 * A function that handles one event at a time and answers with a {@link Response}.
 *
 * <p>Example:
 *
 * <pre>{@code
 * public final class Hello implements Function {
 *     public Response handle(Context context, Event event) {
 *         return Response.ok("Hello, " + event.bodyString());
 *     }
 * }
 * }</pre>
 *
 * <p>An exception thrown from {@link #handle} is an error result for that event only (HTTP 500 with a
 * short message, for example); the worker goes on with the next event.
 */
public interface Function extends Lifecycle {

    /**
     * Handles one event.
     *
     * @param context the worker's context; valid during this call
     * @param event the event; its body view is valid only until this method returns
     * @return the response; never {@code null} ({@link Response#noContent()} for nothing)
     * @throws Exception to report a failure for this event
     */
    Response handle(Context context, Event event) throws Exception;
}
