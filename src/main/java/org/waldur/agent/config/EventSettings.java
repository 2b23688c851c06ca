package org.waldur.agent.config;

import java.net.URI;

/**
 * How an offering with {@code stomp_enabled: true} reaches Waldur's event broker, and what it takes from it.
 *
 * @param host       {@code stomp_ws_host}; null: the API URL's host
 * @param port       {@code stomp_ws_port}; null: 443 for wss, 80 for ws (never the API's port)
 * @param path       {@code stomp_ws_path}; Waldur serves RabbitMQ's Web-STOMP at {@code /rmqws-stomp}
 * @param tls        {@code websocket_use_tls}: wss (default) or ws
 * @param membership {@code stomp_membership_sync_enabled}: false keeps membership on polling, as upstream
 */
public record EventSettings(String host, Integer port, String path, boolean tls, boolean membership) {
    public static final EventSettings DEFAULTS = new EventSettings(null, null, "/rmqws-stomp", true, true);

    /** The WebSocket URL for an offering whose REST API is at {@code apiUrl}. */
    public URI webSocketUrl(URI apiUrl) {
        String h = host != null && !host.isBlank() ? host : apiUrl.getHost();
        int p = port != null ? port : tls ? 443 : 80;
        String pth = path.startsWith("/") ? path : "/" + path;
        return URI.create((tls ? "wss" : "ws") + "://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + p + pth);
    }
}
