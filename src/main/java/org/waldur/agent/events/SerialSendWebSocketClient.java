package org.waldur.agent.events;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.WebSocketClient;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.util.UriComponentsBuilder;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * A WebSocket client whose sessions send one frame at a time. The STOMP session writes from several threads —
 * heart-beats from its scheduler, ACKs from the event worker — and a JSR-356 session refuses a second blocking
 * send while one is in flight (the ACK failed, the message stayed unacknowledged until the next reconnection).
 * Spring's {@link ConcurrentWebSocketSessionDecorator} queues them instead; this hands it to the STOMP client.
 */
final class SerialSendWebSocketClient implements WebSocketClient {
    private static final int SEND_TIME_LIMIT_MS = 10_000;
    private static final int BUFFER_LIMIT_BYTES = 1 << 20;
    private final WebSocketClient delegate;

    SerialSendWebSocketClient(WebSocketClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableFuture<WebSocketSession> execute(WebSocketHandler handler, String uriTemplate, Object... uriVars) {
        return execute(handler, null, UriComponentsBuilder.fromUriString(uriTemplate).buildAndExpand(uriVars).encode().toUri());
    }

    @Override
    public CompletableFuture<WebSocketSession> execute(WebSocketHandler handler, WebSocketHttpHeaders headers, URI uri) {
        Serializing s = new Serializing(handler);
        return delegate.execute(s, headers, uri).thenApply(s::wrap);
    }

    private static final class Serializing extends WebSocketHandlerDecorator {
        private WebSocketSession wrapped;

        Serializing(WebSocketHandler delegate) {
            super(delegate);
        }

        synchronized WebSocketSession wrap(WebSocketSession raw) {
            if (wrapped == null) {
                wrapped = new ConcurrentWebSocketSessionDecorator(raw, SEND_TIME_LIMIT_MS, BUFFER_LIMIT_BYTES);
            }
            return wrapped;
        }

        @Override
        public void afterConnectionEstablished(WebSocketSession session) throws Exception {
            super.afterConnectionEstablished(wrap(session));
        }

        @Override
        public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
            super.handleMessage(wrap(session), message);
        }

        @Override
        public void handleTransportError(WebSocketSession session, Throwable exception) throws Exception {
            super.handleTransportError(wrap(session), exception);
        }

        @Override
        public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
            super.afterConnectionClosed(wrap(session), closeStatus);
        }
    }
}
