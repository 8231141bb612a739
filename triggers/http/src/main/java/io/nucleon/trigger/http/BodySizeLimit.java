package io.nucleon.trigger.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty's aggregator, made to answer in order: instead of writing 413 (or 100 Continue) to the channel
 * itself, which would overtake answers to earlier pipelined requests, it tells the connection handler,
 * which answers in turn.
 */
final class BodySizeLimit extends HttpObjectAggregator {

    private final HttpConnectionHandler connection;

    BodySizeLimit(int maxRequestBodySize, HttpConnectionHandler connection) {
        super(maxRequestBodySize);
        this.connection = connection;
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (answer instanceof FullHttpResponse response && response.status().code() == 100 && connection.isIdle()) {
            return answer; // nothing is pending, so "100 Continue" cannot overtake an answer
        }
        // A 413/417 or an out-of-turn 100: let the body come and be judged (and answered) in order.
        ReferenceCountUtil.release(answer);
        return null;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.fireChannelRead(HttpConnectionHandler.REQUEST_TOO_LARGE); // the aggregator releases `oversized`
    }
}
