package org.waldur.agent.auditor.record;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * One AUDITOR accounting record, as {@code GET /record/{id}} returns it and, without {@code runtime}, as
 * {@code POST /record} takes it (../shared/reference/auditor.md §1.1–§1.3). Field order is AUDITOR's.
 *
 * <p>{@code meta} may be null (AUDITOR stores and returns JSON {@code null}); {@code stopTime} may be null for a
 * record whose job has not ended. {@code runtime} is derived: whole seconds of stop − start truncated toward
 * zero, as AUDITOR computes it.
 */
@JsonPropertyOrder({"record_id", "meta", "components", "start_time", "stop_time", "runtime"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Record(
        @JsonProperty("record_id") String recordId,
        @JsonProperty("meta") Map<String, List<String>> meta,
        @JsonProperty("components") List<Component> components,
        @JsonProperty("start_time") Instant startTime,
        @JsonProperty("stop_time") Instant stopTime,
        @JsonProperty("runtime") Long runtime) {

    /** A record as a collector builds it: runtime computed from the two times. */
    public static Record of(String recordId, Map<String, List<String>> meta, List<Component> components,
                            Instant startTime, Instant stopTime) {
        return new Record(recordId, meta, components, startTime, stopTime, runtimeOf(startTime, stopTime));
    }

    /** AUDITOR's runtime: whole seconds, truncated toward zero (not floored), null without both times. */
    public static Long runtimeOf(Instant start, Instant stop) {
        return start == null || stop == null ? null : ChronoUnit.SECONDS.between(start, stop);
    }

    /** The component of that name, or null. */
    public Component component(String name) {
        if (components == null) {
            return null;
        }
        for (Component c : components) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** The values of one meta key; empty when the record has no meta or not that key. */
    public List<String> metaValues(String key) {
        if (meta == null) {
            return List.of();
        }
        List<String> v = meta.get(key);
        return v == null ? List.of() : v;
    }
}
