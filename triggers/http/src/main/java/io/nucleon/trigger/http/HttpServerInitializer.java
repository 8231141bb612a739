package io.nucleon.trigger.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
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
        channel.pipeline()
                .addLast("codec", new HttpServerCodec(config.maxInitialLineLength(), config.maxHeaderSize(), 8192))
                .addLast("aggregator", new BodySizeLimit(config.maxRequestBodySize(), trigger.metrics()))
                .addLast("dispatch", new HttpConnectionHandler(trigger));
    }
}
