package io.nucleon.trigger.http;

import io.micrometer.core.instrument.Tags;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.nucleon.runtime.dispatch.EventDispatcher;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An HTTP server whose requests are events. See {@link HttpTriggerConfig} for its attributes. */
public final class HttpTrigger implements Trigger {

    private static final Logger LOG = LoggerFactory.getLogger(HttpTrigger.class);

    private final TriggerContext context;
    private final HttpTriggerConfig config;
    private final HttpTriggerMetrics metrics;
    private final HttpResponses responses;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final long availabilityTimeoutMs;
    private EventLoopGroup acceptors;
    private EventLoopGroup eventLoops;
    private Channel server;
    private volatile boolean draining;

    HttpTrigger(TriggerContext context, HttpTriggerConfig config) {
        this.context = context;
        this.config = config;
        Tags tags = Tags.of(
                "function", context.functionName(), "trigger_kind", HttpTriggerFactory.KIND, "trigger_id", name());
        this.metrics = new HttpTriggerMetrics(context.registry(), tags);
        this.responses =
                new HttpResponses(context.functionName(), context.eventTimeout().toMillis());
        this.availabilityTimeoutMs =
                context.config().workerAvailabilityTimeout().toMillis();
    }

    @Override
    public String name() {
        return context.config().name();
    }

    @Override
    public String kind() {
        return HttpTriggerFactory.KIND;
    }

    @Override
    public void start() throws Exception {
        NettyTransport transport = NettyTransport.best();
        ChannelOption<Boolean> reusePort = config.reusePort() ? transport.requireReusePort(name()) : null;
        acceptors = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        int threads = config.eventLoopThreads() > 0
                ? config.eventLoopThreads()
                : Runtime.getRuntime().availableProcessors();
        eventLoops = new MultiThreadIoEventLoopGroup(threads, transport.ioHandlerFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, eventLoops)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new HttpServerInitializer(this));
        if (reusePort != null) {
            // Another processor may listen on this port too; the kernel spreads new connections across them.
            bootstrap.option(reusePort, true);
        }
        try {
            server = bootstrap.bind(config.host(), config.port()).sync().channel();
        } catch (Exception e) {
            close();
            throw new IllegalStateException(
                    "trigger '" + name() + "': cannot listen on " + config.host() + ":" + config.port() + ": "
                            + e.getMessage(),
                    e);
        }
        LOG.atInfo()
                .setMessage("http trigger listening")
                .addKeyValue("trigger", name())
                .addKeyValue("address", server.localAddress().toString())
                .addKeyValue("transport", transport.name())
                .addKeyValue("reusePort", config.reusePort())
                .addKeyValue("eventLoops", threads)
                .log();
    }

    @Override
    public void stopAccepting() {
        draining = true;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        // Idle keep-alive connections close now; busy ones after their last answer.
        connections.forEach(channel -> channel.pipeline().fireUserEventTriggered(HttpConnectionHandler.DRAIN));
    }

    @Override
    public Optional<URI> endpoint() {
        if (server == null) {
            return Optional.empty();
        }
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        return Optional.of(URI.create("http://" + host + ":" + address.getPort() + "/"));
    }

    /** @return the bound port, once started */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        draining = true;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        // Connections close by themselves after their last answer (lingering close, at most 2 s);
        // closing them now could cut off answers still in Netty's outbound buffers.
        connections.newCloseFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdown(acceptors);
        shutdown(eventLoops);
    }

    private static void shutdown(EventLoopGroup group) {
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ---- for the pipeline ---------------------------------------------------------------------------

    void track(Channel channel) {
        connections.add(channel);
        metrics.connectionOpened();
        channel.closeFuture().addListener(f -> metrics.connectionClosed());
    }

    boolean isDraining() {
        return draining;
    }

    HttpTriggerConfig config() {
        return config;
    }

    HttpTriggerMetrics metrics() {
        return metrics;
    }

    HttpResponses responses() {
        return responses;
    }

    EventDispatcher dispatcher() {
        return context.dispatcher();
    }

    String functionName() {
        return context.functionName();
    }

    long availabilityTimeoutMs() {
        return availabilityTimeoutMs;
    }
}
