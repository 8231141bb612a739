package io.nucleon.benchmarks;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The least an HTTP server on Netty can do: answer every request with 200 "Hello, world!", keeping the
 * connection alive. The body and content type are those the hello example answers, so that both servers
 * send the same bytes. It is the ceiling the processor's HTTP trigger is compared against by {@code
 * benchmarks/wrk-compare.sh}, so it uses the same transport (epoll when available), the same thread
 * counts (one acceptor, one event loop per CPU) and the same socket options as the trigger.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.nucleon.benchmarks.RawNettyHelloServer 18081
 * </pre>
 *
 * Listens on the loopback address only; stops on SIGTERM or Ctrl-C.
 */
public final class RawNettyHelloServer {

    private static final String HOST = "127.0.0.1";
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final String CONTENT_TYPE = "text/plain; charset=utf-8";

    private RawNettyHelloServer() {}

    /**
     * Starts the server and blocks until the JVM is asked to stop.
     *
     * @param args the port to listen on
     * @throws InterruptedException when interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        int port = parsePort(args);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        int threads = Runtime.getRuntime().availableProcessors();
        EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup eventLoops = new MultiThreadIoEventLoopGroup(threads, io);
        try {
            Channel server = new ServerBootstrap()
                    .group(acceptors, eventLoops)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new Initializer())
                    .bind(HOST, port)
                    .sync()
                    .channel();
            System.out.printf(
                    "raw netty hello server listening on http://%s:%d (%s, %d event loops)%n",
                    HOST, port, epoll ? "epoll" : "nio", threads);
            server.closeFuture().sync();
        } finally {
            acceptors.shutdownGracefully();
            eventLoops.shutdownGracefully();
        }
    }

    private static int parsePort(String[] args) {
        if (args.length != 1) {
            throw usage("expected exactly one argument, the port");
        }
        try {
            int port = Integer.parseInt(args[0]);
            if (port < 1 || port > 65535) {
                throw usage("port must be 1-65535, got " + port);
            }
            return port;
        } catch (NumberFormatException e) {
            throw usage("port must be a number, got '" + args[0] + "'");
        }
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException(problem + "; usage: RawNettyHelloServer PORT");
    }

    /** One connection's pipeline: codec, aggregator, answer. */
    private static final class Initializer extends ChannelInitializer<SocketChannel> {
        private final ChannelHandler hello = new HelloHandler();

        @Override
        protected void initChannel(SocketChannel channel) {
            channel.pipeline()
                    .addLast("codec", new HttpServerCodec())
                    .addLast("aggregator", new HttpObjectAggregator(MAX_BODY_BYTES))
                    .addLast("hello", hello);
        }
    }

    /** Answers 200 "Hello, world!" to every request; stateless, so one instance serves all connections. */
    @ChannelHandler.Sharable
    private static final class HelloHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer().writeBytes("Hello, world!\n".getBytes(StandardCharsets.UTF_8)));

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            FullHttpResponse response =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, BODY.duplicate());
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.readableBytes());
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.write(response);
            } else {
                ctx.write(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a broken client must not take the server down
        }
    }
}
