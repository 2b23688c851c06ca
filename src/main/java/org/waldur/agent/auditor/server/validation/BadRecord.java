package org.waldur.agent.auditor.server.validation;

/** A request body AUDITOR would refuse: answered 400 with the text {@code Json deserialize error: <detail>}. */
public class BadRecord extends RuntimeException {
    public BadRecord(String detail) {
        super("Json deserialize error: " + detail);
    }
}
