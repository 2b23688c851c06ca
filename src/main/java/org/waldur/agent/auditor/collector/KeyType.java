package org.waldur.agent.auditor.collector;

import org.waldur.agent.slurm.SacctValues;

import java.util.Map;

/**
 * AUDITOR's {@code key_type}: how a sacct value becomes a meta value or a component amount
 * (auditor.md §3.3; collectors/slurm/src/configuration.rs {@code ParsableType}). The formats themselves are read
 * by {@link SacctValues}, where every sacct format is parsed.
 */
public enum KeyType {
    Integer, IntegerMega, Time, String, DateTime, Id, Json;

    /** The value as a component amount; only the numeric types have one. */
    public long amount(java.lang.String raw) {
        return switch (this) {
            case Integer -> SacctValues.integer(raw);
            case IntegerMega -> SacctValues.integerMega(raw);
            case Time -> SacctValues.seconds(raw);
            default -> throw new IllegalArgumentException("key_type " + name() + " is not a number");
        };
    }

    /** The value as one meta value (not for {@link #Json}, which expands to several keys). */
    public java.lang.String text(java.lang.String raw) {
        return switch (this) {
            case Integer, IntegerMega, Time -> Long.toString(amount(raw));
            case DateTime -> SacctValues.instant(raw).toString();
            case Id -> SacctValues.id(raw);
            case String -> raw;
            case Json -> throw new IllegalArgumentException("a Json value has several keys");
        };
    }

    public Map<java.lang.String, java.lang.String> map(java.lang.String raw) {
        return SacctValues.jsonMap(raw == null ? "" : raw);
    }
}
