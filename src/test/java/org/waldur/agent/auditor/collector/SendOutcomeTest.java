package org.waldur.agent.auditor.collector;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Only a 2xx or RECORD_EXISTS delivers; AUDITOR's own client deletes on any answer (auditor.md §2.6, §3.6). */
class SendOutcomeTest {
    @Test
    void answersAsAuditorServersGiveThem() {
        assertEquals(SendOutcome.DELIVERED, SendOutcome.of(200, ""));
        assertEquals(SendOutcome.EXISTS, SendOutcome.of(500, "RECORD_EXISTS"));
        assertEquals(SendOutcome.EXISTS, SendOutcome.of(200, "{\"warning\": \"record exists\"}"),
                "ignore_record_exists_error: a bulk was rolled back");
        assertEquals(SendOutcome.RETRY, SendOutcome.of(500, "UNEXPECTED_ERROR"), "database down");
        assertEquals(SendOutcome.RETRY, SendOutcome.of(503, ""));
        assertEquals(SendOutcome.RETRY, SendOutcome.of(429, ""));
        assertEquals(SendOutcome.REFUSED, SendOutcome.of(400, "Json deserialize error: invalid name"));
        assertEquals(SendOutcome.REFUSED, SendOutcome.of(403, ""));
        assertEquals(SendOutcome.REFUSED, SendOutcome.of(413, ""));
        assertEquals(SendOutcome.REFUSED, SendOutcome.of(404, "The requested resource was not found. 404 Not Found"));
    }
}
