package org.waldur.agent.it;

import org.waldur.agent.auditor.apel.TestCa;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;

/**
 * A TLS-terminating TCP front on 127.0.0.1, as a site's reverse proxy stands before Waldur's API and RabbitMQ's
 * Web-STOMP: it serves a certificate for {@code localhost} and passes the bytes to a plain port. Whatever rides on
 * top (HTTP, the WebSocket upgrade, STOMP) is untouched.
 */
final class TlsFront implements AutoCloseable {
    private final SSLServerSocket server;
    private final int target;

    TlsFront(KeyStore hostKeys, int target) throws Exception {
        this.target = target;
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(hostKeys, TestCa.STORE_PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket backend = new Socket(InetAddress.getLoopbackAddress(), target);
                daemon(() -> pump(client, backend));
                daemon(() -> pump(backend, client));
            } catch (IOException e) {
                // closed, or one client's handshake failed (a refused certificate): the next accept goes on
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buf = new byte[16384];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "tls-front");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
