package org.waldur.agent.auditor.server.query;

/** A {@code GET /records} query the grammar refuses: answered 400 with {@code {"error": message}}, as AUDITOR does. */
public class BadQuery extends RuntimeException {
    public BadQuery(String message) {
        super(message);
    }
}
