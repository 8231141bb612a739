package io.nucleon.trigger.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/** Netty's aggregator (which answers 413 for bodies over the limit), counting what it refuses. */
final class BodySizeLimit extends HttpObjectAggregator {

    private final HttpTriggerMetrics metrics;

    BodySizeLimit(int maxRequestBodySize, HttpTriggerMetrics metrics) {
        super(maxRequestBodySize);
        this.metrics = metrics;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        metrics.tooLarge();
        super.handleOversizedMessage(ctx, oversized);
    }
}
