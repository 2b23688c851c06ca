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
        EventSettings events) {

    public OfferingConfig(String name, String uuid, URI apiUrl, Secret token, boolean verifySsl,
                          String orderProcessingBackend, String membershipSyncBackend, String reportingBackend,
                          boolean stompEnabled, SlurmSettings slurm, Map<String, ComponentConfig> components) {
        this(name, uuid, apiUrl, token, verifySsl, orderProcessingBackend, membershipSyncBackend, reportingBackend,
                stompEnabled, slurm, components, EventSettings.DEFAULTS);
    }

    /**
     * Whether {@code mode} serves this offering when every mode runs in one process: an empty backend key means
     * the mode skips it, and event_process takes orders (and membership, unless
     * {@code stomp_membership_sync_enabled: false}) of a {@code stomp_enabled} offering away from polling.
     */
    public boolean handles(Mode mode) {
        return handles(mode, true);
    }

    /**
     * As {@link #handles(Mode)}, knowing whether event_process runs in this process: when it does not, polling
     * serves a stomp_enabled offering too, so the offering is never left unserved.
     */
    public boolean handles(Mode mode, boolean eventProcessRunning) {
        return switch (mode) {
            case ORDER_PROCESS -> has(orderProcessingBackend) && !(eventProcessRunning && stompEnabled);
            case MEMBERSHIP_SYNC -> has(membershipSyncBackend) && !(eventProcessRunning && membershipByEvents());
            case REPORT -> has(reportingBackend);
            case EVENT_PROCESS -> stompEnabled && (has(orderProcessingBackend) || membershipByEvents());
        };
    }

    /** Membership follows USER_ROLE/RESOURCE/OFFERING_USER events rather than polling. */
    public boolean membershipByEvents() {
        return stompEnabled && has(membershipSyncBackend) && events.membership();
    }

    private static boolean has(String backend) {
        return backend != null && !backend.isBlank();
    }

    @Override
    public String toString() {
        return "Offering[" + name + " " + uuid + " " + apiUrl + "]";
    }
}
