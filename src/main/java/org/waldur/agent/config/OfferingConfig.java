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
        Map<String, ComponentConfig> components,
        OidcCredentials oidc) {

    /** An offering authenticated by its API token alone. */
    public OfferingConfig(String name, String uuid, URI apiUrl, Secret token, boolean verifySsl,
                          String orderProcessingBackend, String membershipSyncBackend, String reportingBackend,
                          boolean stompEnabled, SlurmSettings slurm, Map<String, ComponentConfig> components) {
        this(name, uuid, apiUrl, token, verifySsl, orderProcessingBackend, membershipSyncBackend, reportingBackend,
                stompEnabled, slurm, components, null);
    }

    /** The raw credentials of this offering (token, OIDC client secret), for scrubbing. */
    public java.util.List<String> secrets() {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (token != null && !token.isEmpty()) {
            out.add(token.reveal());
        }
        if (oidc != null) {
            out.add(oidc.clientSecret().reveal());
        }
        return out;
    }

    /** Why {@code mode} skips this offering, or null when it serves it (diagnostics print this). */
    public String skipReason(Mode mode) {
        String key = switch (mode) {
            case ORDER_PROCESS -> "order_processing_backend";
            case REPORT -> "reporting_backend";
            case MEMBERSHIP_SYNC -> "membership_sync_backend";
        };
        String backend = switch (mode) {
            case ORDER_PROCESS -> orderProcessingBackend;
            case REPORT -> reportingBackend;
            case MEMBERSHIP_SYNC -> membershipSyncBackend;
        };
        if (backend == null || backend.isBlank()) {
            return key + " is empty";
        }
        if (stompEnabled && mode != Mode.REPORT) {
            return "stomp_enabled: true (event processing is not implemented; the reference skips polling too)";
        }
        return null;
    }

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
