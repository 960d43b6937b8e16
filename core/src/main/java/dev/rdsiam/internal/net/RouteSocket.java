package dev.rdsiam.internal.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The unconnected socket of {@link RouteSocketFactory#createSocket()}: {@code connect} dials the route with
 * {@link Dialer} (never resolving the address it is given), then every call goes to the connected socket.
 *
 * <p>Before {@code connect}, options and {@code bind} are recorded and applied to the real socket before it connects.
 * {@code close} during a {@code connect} in progress takes effect when the dial ends (bounded by the timeout).
 */
final class RouteSocket extends Socket {

    private final String routeHost;
    private final int routePort;
    private final Duration connectTimeout;

    private final Object lock = new Object();
    private volatile Socket inner;
    private volatile boolean closed;
    private boolean connecting;
    // recorded before connect, guarded by lock
    private final Map<SocketOption<?>, Object> options = new LinkedHashMap<>();
    private Integer soTimeout;
    private Boolean oobInline;
    private SocketAddress bindpoint;

    RouteSocket(String routeHost, int routePort, Duration connectTimeout) {
        this.routeHost = routeHost;
        this.routePort = routePort;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    /**
     * Dials the route. {@code endpoint} (the address the driver wanted) is only named in messages, never resolved.
     *
     * @param timeout the driver's timeout in ms; used when positive and shorter than the factory's
     * @throws ConnectFailure when the route cannot be connected
     */
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (endpoint == null) {
            throw new IllegalArgumentException("connect: the address can't be null");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("connect: timeout can't be negative");
        }
        synchronized (lock) {
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            if (inner != null) {
                throw new SocketException("already connected");
            }
            if (connecting) {
                throw new SocketException("connect already in progress");
            }
            connecting = true;
        }
        Duration bound = timeout > 0 && timeout < connectTimeout.toMillis() ? Duration.ofMillis(timeout)
                : connectTimeout;
        Socket connected;
        try {
            connected = Dialer.dial(routeHost, routePort, bound, "route for " + describe(endpoint), this::prepare);
        } finally {
            synchronized (lock) {
                connecting = false;
            }
        }
        synchronized (lock) {
            if (!closed) {
                inner = connected;
                return;
            }
        }
        connected.close();
        throw new SocketException("Socket is closed");
    }

    private void prepare(Socket s) throws IOException {
        synchronized (lock) {
            for (Map.Entry<SocketOption<?>, Object> o : options.entrySet()) {
                apply(s, o.getKey(), o.getValue());
            }
            if (soTimeout != null) {
                s.setSoTimeout(soTimeout);
            }
            if (oobInline != null) {
                s.setOOBInline(oobInline);
            }
            if (bindpoint != null) {
                s.bind(bindpoint);
            }
        }
    }

    private static <T> void apply(Socket s, SocketOption<T> option, Object value) throws IOException {
        s.setOption(option, option.type().cast(value));
    }

    private static String describe(SocketAddress endpoint) {
        if (endpoint instanceof InetSocketAddress) {
            InetSocketAddress isa = (InetSocketAddress) endpoint;
            return isa.getHostString() + ":" + isa.getPort(); // getHostString never resolves
        }
        return endpoint.toString();
    }

    private Socket connected() throws SocketException {
        Socket s = inner;
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (s == null) {
            throw new SocketException("Socket is not connected");
        }
        return s;
    }

    /** Records an option before connect; after it, sets it on the connected socket. */
    private <T> void set(SocketOption<T> option, T value) throws IOException {
        Socket s = inner;
        if (s != null) {
            s.setOption(option, value);
            return;
        }
        synchronized (lock) {
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            options.put(option, value);
        }
    }

    private Object recorded(SocketOption<?> option) {
        synchronized (lock) {
            return options.get(option);
        }
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            if (inner != null || this.bindpoint != null) {
                throw new SocketException("Already bound");
            }
            this.bindpoint = bindpoint == null ? new InetSocketAddress(0) : bindpoint;
        }
    }

    @Override
    public InetAddress getInetAddress() {
        Socket s = inner;
        return s == null ? null : s.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        Socket s = inner;
        if (s != null) {
            return s.getLocalAddress();
        }
        synchronized (lock) {
            if (bindpoint instanceof InetSocketAddress && ((InetSocketAddress) bindpoint).getAddress() != null) {
                return ((InetSocketAddress) bindpoint).getAddress();
            }
        }
        return new InetSocketAddress(0).getAddress(); // the wildcard address, as an unbound Socket answers
    }

    @Override
    public int getPort() {
        Socket s = inner;
        return s == null ? 0 : s.getPort();
    }

    @Override
    public int getLocalPort() {
        Socket s = inner;
        return s == null ? -1 : s.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        Socket s = inner;
        return s == null ? null : s.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        Socket s = inner;
        if (s != null) {
            return s.getLocalSocketAddress();
        }
        synchronized (lock) {
            return bindpoint;
        }
    }

    /** Always null: this socket has no channel. */
    @Override
    public SocketChannel getChannel() {
        return null;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return connected().getInputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return connected().getOutputStream();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        setStandard(StandardSocketOptions.TCP_NODELAY, on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        Socket s = inner;
        if (s != null) {
            return s.getTcpNoDelay();
        }
        Object v = recorded(StandardSocketOptions.TCP_NODELAY);
        return v == null || (Boolean) v; // Dialer turns it on
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        if (on && linger < 0) {
            throw new IllegalArgumentException("invalid value for SO_LINGER");
        }
        setStandard(StandardSocketOptions.SO_LINGER, on ? Math.min(linger, 65535) : -1);
    }

    @Override
    public int getSoLinger() throws SocketException {
        Socket s = inner;
        if (s != null) {
            return s.getSoLinger();
        }
        Object v = recorded(StandardSocketOptions.SO_LINGER);
        return v == null ? -1 : (Integer) v;
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        connected().sendUrgentData(data);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        Socket s = inner;
        if (s != null) {
            s.setOOBInline(on);
            return;
        }
        synchronized (lock) {
            oobInline = on;
        }
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        Socket s = inner;
        if (s != null) {
            return s.getOOBInline();
        }
        synchronized (lock) {
            return oobInline != null && oobInline;
        }
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout can't be negative");
        }
        Socket s = inner;
        if (s != null) {
            s.setSoTimeout(timeout);
            return;
        }
        synchronized (lock) {
            soTimeout = timeout;
        }
    }

    @Override
    public int getSoTimeout() throws SocketException {
        Socket s = inner;
        if (s != null) {
            return s.getSoTimeout();
        }
        synchronized (lock) {
            return soTimeout == null ? 0 : soTimeout;
        }
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("negative send size");
        }
        setStandard(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        Socket s = inner;
        if (s != null) {
            return s.getSendBufferSize();
        }
        Object v = recorded(StandardSocketOptions.SO_SNDBUF);
        return v == null ? super.getSendBufferSize() : (Integer) v;
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("invalid receive size");
        }
        setStandard(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        Socket s = inner;
        if (s != null) {
            return s.getReceiveBufferSize();
        }
        Object v = recorded(StandardSocketOptions.SO_RCVBUF);
        return v == null ? super.getReceiveBufferSize() : (Integer) v;
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        setStandard(StandardSocketOptions.SO_KEEPALIVE, on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        Socket s = inner;
        if (s != null) {
            return s.getKeepAlive();
        }
        Object v = recorded(StandardSocketOptions.SO_KEEPALIVE);
        return v == null || (Boolean) v; // Dialer turns it on
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        if (tc < 0 || tc > 255) {
            throw new IllegalArgumentException("tc is not in range 0 -- 255");
        }
        setStandard(StandardSocketOptions.IP_TOS, tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        Socket s = inner;
        if (s != null) {
            return s.getTrafficClass();
        }
        Object v = recorded(StandardSocketOptions.IP_TOS);
        return v == null ? 0 : (Integer) v;
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        setStandard(StandardSocketOptions.SO_REUSEADDR, on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        Socket s = inner;
        if (s != null) {
            return s.getReuseAddress();
        }
        Object v = recorded(StandardSocketOptions.SO_REUSEADDR);
        return v != null && (Boolean) v;
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        if (name == null) {
            throw new NullPointerException("name");
        }
        set(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        if (name == null) {
            throw new NullPointerException("name");
        }
        Socket s = inner;
        if (s != null) {
            return s.getOption(name);
        }
        Object v = recorded(name);
        return v != null ? name.type().cast(v) : super.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        Socket s = inner;
        return s != null ? s.supportedOptions() : super.supportedOptions();
    }

    /** Performance preferences are a no-op in the JDK's sockets; ignored here as well. */
    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // nothing to do
    }

    @Override
    public void shutdownInput() throws IOException {
        connected().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        connected().shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return inner != null;
    }

    @Override
    public boolean isBound() {
        Socket s = inner;
        if (s != null) {
            return s.isBound();
        }
        synchronized (lock) {
            return bindpoint != null;
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isInputShutdown() {
        Socket s = inner;
        return s != null && s.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        Socket s = inner;
        return s != null && s.isOutputShutdown();
    }

    @Override
    public void close() throws IOException {
        Socket s;
        synchronized (lock) {
            if (closed) {
                return;
            }
            s = inner;
            try {
                super.close(); // releases the unused socket of this wrapper, if a getter created one
            } finally {
                closed = true;
            }
        }
        if (s != null) {
            s.close();
        }
    }

    @Override
    public String toString() {
        Socket s = inner;
        return "RouteSocket[route=" + routeHost + ":" + routePort + ", "
                + (closed ? "closed" : s == null ? "unconnected" : s.toString()) + "]";
    }

    private <T> void setStandard(SocketOption<T> option, T value) throws SocketException {
        try {
            set(option, value);
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            SocketException se = new SocketException(e.getMessage());
            se.initCause(e);
            throw se;
        }
    }
}
