package org.waldur.agent.config;

import java.net.URI;
import java.util.Map;

/** One entry of {@code offerings:}; each offering has its own Waldur URL, token and SLURM settings. */
public record OfferingConfig(
        String name,
        String uuid,
        URI apiUrl,
        Secret token,
        boolean verifySsl,
        String orderProcessingBackend,
        String membershipSyncBackend,
        String reportingBackend,
        boolean stompEnabled,
        SlurmSettings slurm,
        Map<String, ComponentConfig> components) {

    /** Whether {@code mode} has a backend for this offering; an empty backend key means the mode skips it. */
    public boolean handles(Mode mode) {
        String backend = switch (mode) {
            case ORDER_PROCESS -> orderProcessingBackend;
            case REPORT -> reportingBackend;
            case MEMBERSHIP_SYNC -> membershipSyncBackend;
        };
        return backend != null && !backend.isBlank() && !(stompEnabled && mode != Mode.REPORT);
    }

    @Override
    public String toString() {
        return "Offering[" + name + " " + uuid + " " + apiUrl + "]";
    }
}
