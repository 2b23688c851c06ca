package org.waldur.agent.config;

import java.util.Objects;

/** A credential that never prints itself: toString() is masked so a token cannot leak into logs. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value);
    }

    /** The raw value, for the one place that builds the Authorization header. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "<empty>" : "****";
    }
}
