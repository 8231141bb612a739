package io.nucleon.trigger.http;

import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Epoll where the native library loads (Linux), NIO elsewhere.
 *
 * @param reusePort the transport's {@code SO_REUSEPORT} option, or null where Nucleon does not support it
 */
record NettyTransport(
        String name,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerChannel> serverChannel,
        ChannelOption<Boolean> reusePort) {

    static NettyTransport best() {
        if (Epoll.isAvailable()) {
            return new NettyTransport(
                    "epoll",
                    EpollIoHandler.newFactory(),
                    EpollServerSocketChannel.class,
                    EpollChannelOption.SO_REUSEPORT);
        }
        return nio();
    }

    /**
     * NIO, without {@code SO_REUSEPORT}: the JDK offers the option, but outside Linux the kernel does not
     * spread connections across the sockets (BSD and macOS give them all to one), so the hand-over it is
     * meant for would not work.
     */
    static NettyTransport nio() {
        return new NettyTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, null);
    }

    /**
     * @param trigger the trigger's name, for the message
     * @return the option that lets several processes listen on one port
     * @throws IllegalStateException when this transport has none
     */
    ChannelOption<Boolean> requireReusePort(String trigger) {
        if (reusePort == null) {
            Throwable cause = Epoll.unavailabilityCause();
            throw new IllegalStateException("trigger '" + trigger + "': attribute 'reusePort' needs Netty's native"
                    + " epoll transport (Linux), but this processor runs on " + name
                    + (cause == null ? "" : " (epoll is unavailable: " + cause.getMessage() + ")")
                    + "; remove 'reusePort' or run on Linux");
        }
        return reusePort;
    }
}
