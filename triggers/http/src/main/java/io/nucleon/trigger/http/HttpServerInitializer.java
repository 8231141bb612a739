package io.nucleon.trigger.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/** The pipeline of one connection: codec, body-size limit, then Nucleon's dispatch. */
final class HttpServerInitializer extends ChannelInitializer<SocketChannel> {

    private final HttpTrigger trigger;

    HttpServerInitializer(HttpTrigger trigger) {
        this.trigger = trigger;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        HttpTriggerConfig config = trigger.config();
        trigger.track(channel);
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineLength())
                .setMaxHeaderSize(config.maxHeaderSize());
        HttpConnectionHandler connection = new HttpConnectionHandler(trigger);
        channel.pipeline()
                // The codec refuses deeper pipelines than this; reading pauses well before it.
                .addLast("codec", new HttpServerCodec(decoder, HttpTriggerConfig.MAX_PIPELINE_DEPTH))
                .addLast("aggregator", new BodySizeLimit(config.maxRequestBodySize(), connection))
                .addLast("dispatch", connection);
    }
}
