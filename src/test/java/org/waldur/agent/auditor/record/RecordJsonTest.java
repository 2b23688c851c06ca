package org.waldur.agent.auditor.record;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RecordJsonTest {

    @Test
    void writesFieldsInAuditorsOrderWithUtcTimesAndFloatScores() throws Exception {
        Record r = Record.of("slurm-11_2", Map.of("site_id", List.of("SiteA")),
                List.of(new Component("Cores", 8, List.of(new Score("HEPSPEC06", 10))),
                        new Component("Memory", 20, List.of())),
                Instant.parse("2026-12-01T00:34:58Z"), Instant.parse("2026-12-01T00:34:59.079043Z"));
        assertEquals("{\"record_id\":\"slurm-11_2\",\"meta\":{\"site_id\":[\"SiteA\"]},"
                        + "\"components\":[{\"name\":\"Cores\",\"amount\":8,\"scores\":[{\"name\":\"HEPSPEC06\",\"value\":10.0}]},"
                        + "{\"name\":\"Memory\",\"amount\":20,\"scores\":[]}],"
                        + "\"start_time\":\"2026-12-01T00:34:58Z\",\"stop_time\":\"2026-12-01T00:34:59.079043Z\",\"runtime\":1}",
                RecordJson.MAPPER.writeValueAsString(r));
    }

    @Test
    void runtimeTruncatesTowardZeroAndMetaMayBeNull() throws Exception {
        Record r = RecordJson.MAPPER.readValue("{\"record_id\":\"x\",\"meta\":null,\"components\":[],"
                + "\"start_time\":\"2026-01-01T00:00:10+02:00\",\"stop_time\":\"2025-12-31T22:00:08.5Z\",\"runtime\":null,"
                + "\"extra\":60}", Record.class);
        assertNull(r.meta());
        assertEquals(Instant.parse("2025-12-31T22:00:10Z"), r.startTime());
        assertEquals(-1L, Record.runtimeOf(r.startTime(), r.stopTime()));
        assertEquals(List.of(), r.metaValues("site_id"));
    }
}
