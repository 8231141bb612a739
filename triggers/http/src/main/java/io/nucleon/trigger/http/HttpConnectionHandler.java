package io.nucleon.trigger.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.nucleon.runtime.dispatch.EventCompletion;
import io.nucleon.runtime.dispatch.EventSlot;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests: each is dispatched to the worker pool as soon as it is decoded, so
 * pipelined requests run in parallel; answers are written strictly in request order.
 *
 * <p>{@link #onComplete} runs on a worker thread and only schedules {@link #run()} on this channel's
 * event loop, which writes every answered request at the head of the queue. The queue and the flags
 * are touched only on the event loop.
 *
 * <p>After a request that ends the connection ({@code Connection: close}, a 400, 413, 414, 417 or 431), later
 * pipelined requests are neither run nor answered (RFC 9112 section 9.6).
 */
final class HttpConnectionHandler extends ChannelInboundHandlerAdapter implements EventCompletion, Runnable {

    /** Fired by {@link BodySizeLimit} in place of a request whose body is over the limit. */
    static final Object REQUEST_TOO_LARGE = new Object();

    /** Fired by {@link BodySizeLimit} for an {@code Expect} other than {@code 100-continue}. */
    static final Object EXPECTATION_FAILED = new Object();

    /** Fired by {@link BodySizeLimit} when "100 Continue" must wait for earlier answers. */
    static final Object CONTINUE = new Object();

    /** Fired by {@link HttpTrigger#stopAccepting()} on every connection. */
    static final Object DRAIN = new Object();

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnectionHandler.class);
    private static final int LINGER_SECONDS = 2;

    /**
     * How long a drain leaves a connection open that has not sent its first request yet: its client has just
     * connected and is about to send, so closing it would fail that request (Go's http.Server waits 5 s).
     */
    static final long NEW_CONNECTION_GRACE_MS = 1000;

    private final HttpTrigger trigger;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(8);
    private ChannelHandlerContext ctx;
    private boolean readClosed; // a request ended the connection: take no more
    private boolean closing; // the last answer is written: write nothing more
    private boolean requested; // a request (or part of one) arrived

    HttpConnectionHandler(HttpTrigger trigger) {
        this.trigger = trigger;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** @return whether no request of this connection awaits its answer (event loop only) */
    boolean isIdle() {
        return pending.isEmpty() && !readClosed;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        requested = true;
        if (msg == REQUEST_TOO_LARGE || msg == EXPECTATION_FAILED || msg == CONTINUE) {
            answerInTurn(msg);
            return;
        }
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (readClosed) {
            request.release();
            return;
        }
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            request.release();
            trigger.metrics().badRequest();
            endWith(badRequest(decoded.cause()));
            return;
        }
        dispatch(request);
        if (trigger.isDraining()) {
            // The client sent this before it could know, and the workers still run: answer it with
            // "Connection: close" instead of failing it (a 503 here failed requests whenever a replaced
            // processor drained under load). Requests pipelined behind it are dropped, so each connection
            // takes at most one request after the drain began.
            stopReading();
        }
    }

    private void dispatch(FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        EventSlot slot = trigger.dispatcher().dispatch(HttpEventAdapter.INSTANCE, request, this);
        if (slot == null) {
            request.release();
            answerNow(HttpResponses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "event ring is full"), keepAlive);
        } else {
            pending.add(slot);
        }
        if (!keepAlive) {
            stopReading();
        } else if (pending.size() >= trigger.config().maxPipelinedRequests()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void answerInTurn(Object marker) {
        if (readClosed) {
            return; // the connection is ending; this request will not be answered
        }
        if (marker == CONTINUE) {
            pending.add(CONTINUE);
            run();
        } else if (marker == REQUEST_TOO_LARGE) {
            trigger.metrics().tooLarge();
            endWith(HttpResponses.text(
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body is larger than maxRequestBodySize ("
                            + trigger.config().maxRequestBodySize() + " bytes)"));
        } else {
            trigger.metrics().badRequest();
            endWith(HttpResponses.text(
                    HttpResponseStatus.EXPECTATION_FAILED, "only 'Expect: 100-continue' is supported"));
        }
    }

    private static FullHttpResponse badRequest(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponses.text(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponses.text(
                    HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request header fields too large");
        }
        return HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
    }

    /** Answers in turn, then closes; later requests on this connection are dropped. */
    private void endWith(FullHttpResponse response) {
        stopReading();
        answerNow(response, false);
    }

    private void stopReading() {
        readClosed = true;
        ctx.channel().config().setAutoRead(false);
    }

    private void answerNow(FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        pending.add(response);
        run();
    }

    /** On a worker (or watchdog) thread: hand over to the event loop. */
    @Override
    public void onComplete(EventSlot slot) {
        try {
            ctx.executor().execute(this);
        } catch (RejectedExecutionException closed) {
            // The event loop is gone (shutdown after the drain timeout); channelInactive released the slot.
        }
    }

    /** On the event loop: write every answered request at the head of the queue, in order. */
    @Override
    public void run() {
        boolean wrote = false;
        Object head;
        while ((head = pending.peek()) != null) {
            if (head instanceof EventSlot slot) {
                if (!slot.isResultReady()) {
                    break;
                }
                pending.poll();
                wrote |= write(slot);
            } else if (head == CONTINUE) {
                pending.poll();
                if (!closing && ctx.channel().isActive()) { // interim: leaves the connection as it is
                    ctx.write(
                            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE),
                            ctx.voidPromise());
                    wrote = true;
                }
            } else {
                pending.poll();
                FullHttpResponse response = (FullHttpResponse) head;
                wrote |= write(response, HttpUtil.isKeepAlive(response), HttpVersion.HTTP_1_1);
            }
        }
        if (wrote && !closing) {
            ctx.flush();
        }
        if (!readClosed
                && !ctx.channel().config().isAutoRead()
                && pending.size() < trigger.config().maxPipelinedRequests()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private boolean write(EventSlot slot) {
        try {
            if (closing || !ctx.channel().isActive()) {
                return false;
            }
            FullHttpRequest request = (FullHttpRequest) slot.attachment();
            return write(answer(slot), HttpUtil.isKeepAlive(request), request.protocolVersion());
        } finally {
            slot.release();
        }
    }

    /** The function's answer, or a 500 when it cannot be sent as it is (e.g. a line break in a header). */
    private FullHttpResponse answer(EventSlot slot) {
        try {
            return trigger.responses().of(slot, trigger.availabilityTimeoutMs());
        } catch (RuntimeException invalid) {
            trigger.metrics().invalidResponse();
            return HttpResponses.text(
                    HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "function '" + trigger.functionName() + "' returned a response that cannot be sent: "
                            + HttpResponses.oneLine(invalid));
        }
    }

    private boolean write(FullHttpResponse response, boolean keepAlive, HttpVersion requestVersion) {
        if (closing || !ctx.channel().isActive()) {
            response.release();
            return false;
        }
        // While draining, the connection closes after its last pending answer, not before it.
        boolean last = pending.isEmpty();
        boolean stayOpen = keepAlive && !(last && (readClosed || trigger.isDraining()));
        HttpUtil.setKeepAlive(response, stayOpen);
        if (stayOpen && !requestVersion.isKeepAliveDefault()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE); // HTTP/1.0 clients
        }
        if (stayOpen) {
            ctx.write(response, ctx.voidPromise());
            return true;
        }
        closing = true;
        readClosed = true;
        ctx.writeAndFlush(response).addListener(this::lingeringClose);
        return true;
    }

    /**
     * Closes after the last answer without losing it: closing a socket with unread input (the rest of
     * a refused body, requests pipelined after a close) makes the kernel send a reset, which can
     * destroy answers the client has not read yet. So: stop sending, read and discard until the client
     * closes, or close anyway after {@value #LINGER_SECONDS} s.
     */
    private void lingeringClose(Future<? super Void> written) {
        Channel channel = ctx.channel();
        if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
            channel.close();
            return;
        }
        duplex.shutdownOutput().addListener(shutdown -> {
            channel.config().setAutoRead(true); // channelRead drops everything now (readClosed)
            channel.eventLoop().schedule(() -> channel.close(), LINGER_SECONDS, TimeUnit.SECONDS);
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == DRAIN) {
            if (requested) {
                closeIfIdle(); // idle keep-alive connection: a client retries elsewhere
            } else {
                ctx.executor().schedule(this::closeIfIdle, NEW_CONNECTION_GRACE_MS, TimeUnit.MILLISECONDS);
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /** While draining: closes the connection unless a request awaits its answer or it is already closing. */
    private void closeIfIdle() {
        if (pending.isEmpty() && !closing) { // a lingering close finishes by itself
            readClosed = true;
            closing = true;
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        readClosed = true;
        Object head;
        while ((head = pending.poll()) != null) { // the trigger's share of every slot, answered or not
            if (head instanceof EventSlot slot) {
                slot.release();
            } else {
                ReferenceCountUtil.release(head);
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (readClosed) {
            // The connection is already ending (after a 400/413/417, Connection: close or drain); what the
            // decoder makes of the rest of the input does not matter, and the last answer must still go out.
            LOG.atDebug()
                    .setMessage("ignoring input on a closing connection")
                    .setCause(cause)
                    .log();
            return;
        }
        trigger.metrics().connectionError();
        if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            LOG.atDebug().setMessage("connection error").setCause(cause).log();
        } else {
            LOG.atWarn()
                    .setMessage("closing connection after an unexpected error")
                    .addKeyValue("trigger", trigger.name())
                    .addKeyValue("error", String.valueOf(cause))
                    .log();
        }
        ctx.close();
    }
}
