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
        if (answer == null) {
            return null;
        }
        int status = ((FullHttpResponse) answer).status().code();
        if (status == 100 && connection.isIdle()) {
            return answer; // nothing is pending, so "100 Continue" cannot overtake an answer
        }
        ReferenceCountUtil.release(answer);
        // Answer in turn instead. For 413/417 Netty has already reset the decoder (the body will not
        // be read as a body), so the connection ends after that answer.
        Object marker =
                switch (status) {
                    case 100 -> HttpConnectionHandler.CONTINUE;
                    case 413 -> HttpConnectionHandler.REQUEST_TOO_LARGE;
                    default -> HttpConnectionHandler.EXPECTATION_FAILED;
                };
        pipeline.context(this).fireChannelRead(marker);
        return null;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.fireChannelRead(HttpConnectionHandler.REQUEST_TOO_LARGE); // the aggregator releases `oversized`
    }
}
