package org.waldur.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of a service the suites share and must not stop (the PostgreSQL sandbox): {@link #cut()}
 * resets every open connection and refuses new ones, as the service going down looks to its clients;
 * {@link #restore()} listens again on the same port.
 */
final class TcpOutage implements AutoCloseable {
    private final String host;
    private final int targetPort;
    final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    private TcpOutage(String host, int targetPort, ServerSocket listener) {
        this.host = host;
        this.targetPort = targetPort;
        this.port = listener.getLocalPort();
        this.listener = listener;
        accept(listener);
    }

    static TcpOutage start(String host, int targetPort) throws IOException {
        return new TcpOutage(host, targetPort, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /** The service is gone: open connections reset, new ones refused. */
    synchronized void cut() throws IOException {
        listener.close();
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0); // RST, as a dying server's kernel sends
                s.close();
            } catch (IOException alreadyClosed) {
                // its pump closed it meanwhile
            }
        }
        open.clear();
    }

    /** The service is back on the same address. */
    synchronized void restore() throws IOException {
        ServerSocket l = new ServerSocket();
        l.setReuseAddress(true);
        l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        listener = l;
        accept(l);
    }

    private void accept(ServerSocket l) {
        Thread t = new Thread(() -> {
            while (!l.isClosed()) {
                try {
                    Socket client = l.accept();
                    Socket service = new Socket(host, targetPort);
                    open.add(client);
                    open.add(service);
                    pump(client, service);
                    pump(service, client);
                } catch (IOException e) {
                    // the listener was closed (cut), or the service refused: the client sees its connection end
                }
            }
        }, "tcp-outage-accept");
        t.setDaemon(true);
        t.start();
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // either side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-outage-pump");
        t.setDaemon(true);
        t.start();
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
