package io.nucleon.trigger.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.nucleon.runtime.dispatch.EventCompletion;
import io.nucleon.runtime.dispatch.EventSlot;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connection's requests: each is dispatched to the worker pool as soon as it is decoded, so
 * pipelined requests run in parallel; answers are written strictly in request order.
 *
 * <p>{@link #onComplete} runs on a worker thread and only schedules {@link #run()} on this channel's
 * event loop, which writes every answered request at the head of the queue. The queue is touched only
 * on the event loop.
 */
final class HttpConnectionHandler extends ChannelInboundHandlerAdapter implements EventCompletion, Runnable {

    private final HttpTrigger trigger;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(8);
    private ChannelHandlerContext ctx;
    private boolean closing;

    HttpConnectionHandler(HttpTrigger trigger) {
        this.trigger = trigger;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closing) {
            request.release();
            return;
        }
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            request.release();
            trigger.metrics().badRequest();
            answerNow(badRequest(decoded.cause()), false);
            return;
        }
        if (trigger.isDraining()) {
            request.release();
            answerNow(HttpResponses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down"), false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        EventSlot slot = trigger.dispatcher().dispatch(HttpEventAdapter.INSTANCE, request, this);
        if (slot == null) {
            request.release();
            answerNow(HttpResponses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "event ring is full"), keepAlive);
            return;
        }
        pending.add(slot);
        if (pending.size() >= trigger.config().maxPipelinedRequests()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private static FullHttpResponse badRequest(Throwable cause) {
        String reason = cause instanceof TooLongFrameException ? cause.getMessage() : "malformed HTTP request";
        return HttpResponses.text(HttpResponseStatus.BAD_REQUEST, reason);
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
            slot.release(); // the event loop is gone (shutdown after the drain timeout): nobody to answer
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
            } else {
                pending.poll();
                FullHttpResponse response = (FullHttpResponse) head;
                wrote |= write(response, HttpUtil.isKeepAlive(response));
            }
        }
        if (wrote) {
            ctx.flush();
        }
        if (!closing
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
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            FullHttpResponse response = trigger.responses().of(slot, trigger.availabilityTimeoutMs());
            return write(response, keepAlive);
        } finally {
            slot.release();
        }
    }

    private boolean write(FullHttpResponse response, boolean keepAlive) {
        if (closing || !ctx.channel().isActive()) {
            response.release();
            return false;
        }
        boolean stayOpen = keepAlive && !trigger.isDraining();
        HttpUtil.setKeepAlive(response, stayOpen);
        if (stayOpen) {
            ctx.write(response, ctx.voidPromise());
        } else {
            closing = true;
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
        return true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        run(); // releases what is answered; the rest is released as workers finish
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        trigger.metrics().connectionError();
        ctx.close();
    }
}
