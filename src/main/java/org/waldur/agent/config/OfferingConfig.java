package org.waldur.agent.config;

import java.net.URI;
import java.util.Map;

/**
 * One entry of {@code offerings:}; each offering has its own Waldur URL, token and SLURM settings.
 *
 * @param serviceAccounts {@code service_accounts_sync_enabled} (default true, as the reference, which always syncs
 *                        them): the project's service accounts and course accounts in state OK are SLURM users of
 *                        its allocations, like its team (membership/ProjectAccounts.java)
 */
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
        OidcCredentials oidc,
        EventSettings events,
        boolean serviceAccounts) {

    /** An offering authenticated by its API token alone, with the default event settings. */
    public OfferingConfig(String name, String uuid, URI apiUrl, Secret token, boolean verifySsl,
                          String orderProcessingBackend, String membershipSyncBackend, String reportingBackend,
                          boolean stompEnabled, SlurmSettings slurm, Map<String, ComponentConfig> components) {
        this(name, uuid, apiUrl, token, verifySsl, orderProcessingBackend, membershipSyncBackend, reportingBackend,
                stompEnabled, slurm, components, null, EventSettings.DEFAULTS, true);
    }

    /** An offering authenticated by its API token alone. */
    public OfferingConfig(String name, String uuid, URI apiUrl, Secret token, boolean verifySsl,
                          String orderProcessingBackend, String membershipSyncBackend, String reportingBackend,
                          boolean stompEnabled, SlurmSettings slurm, Map<String, ComponentConfig> components,
                          EventSettings events) {
        this(name, uuid, apiUrl, token, verifySsl, orderProcessingBackend, membershipSyncBackend, reportingBackend,
                stompEnabled, slurm, components, null, events, true);
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
        if (mode == Mode.EVENT_PROCESS) {
            if (!stompEnabled) {
                return "stomp_enabled is not true";
            }
            return has(orderProcessingBackend) || membershipByEvents() ? null
                    : "neither order_processing_backend nor an event-served membership_sync_backend is set";
        }
        String key = switch (mode) {
            case ORDER_PROCESS -> "order_processing_backend";
            case REPORT -> "reporting_backend";
            default -> "membership_sync_backend";
        };
        String backend = switch (mode) {
            case ORDER_PROCESS -> orderProcessingBackend;
            case REPORT -> reportingBackend;
            default -> membershipSyncBackend;
        };
        if (backend == null || backend.isBlank()) {
            return key + " is empty";
        }
        if (mode == Mode.ORDER_PROCESS && stompEnabled || mode == Mode.MEMBERSHIP_SYNC && membershipByEvents()) {
            return "stomp_enabled: true (event_process serves it when it runs in the same process; "
                    + "without it, this mode polls it)";
        }
        return null;
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

    /** Membership follows USER_ROLE/RESOURCE/OFFERING_USER (and SERVICE_ACCOUNT/COURSE_ACCOUNT) events rather than polling. */
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
