package org.waldur.agent.auditor.record;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON mapping for AUDITOR records, shared by the record server, the collector and the plugins.
 * Timestamps are written as RFC 3339 UTC with only the fraction digits needed ({@code Instant.toString()}),
 * which is exactly what AUDITOR prints; unknown fields are ignored as AUDITOR ignores them.
 */
public final class RecordJson {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private RecordJson() {
    }
}
