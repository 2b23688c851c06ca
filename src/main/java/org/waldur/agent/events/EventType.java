package org.waldur.agent.events;

import org.waldur.agent.config.OfferingConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Waldur's observable object types this agent subscribes to (ObservableObjectTypeEnum of the 8.0.5 schema). */
public enum EventType {
    ORDER("order"),
    USER_ROLE("user_role"),
    RESOURCE("resource"),
    OFFERING_USER("offering_user"),
    /** A project's service account created or removed: that project's allocations (service_accounts_sync_enabled). */
    SERVICE_ACCOUNT("service_account"),
    /** A project's course account created or removed: that project's allocations (service_accounts_sync_enabled). */
    COURSE_ACCOUNT("course_account"),
    /** Offerings with {@code backend_settings.periodic_limits.enabled}: Waldur's policy, applied as it arrives. */
    RESOURCE_PERIODIC_LIMITS("resource_periodic_limits");

    public final String wire;

    EventType(String wire) {
        this.wire = wire;
    }

    /**
     * One subscription per type the offering's event mode serves: orders when it has an order backend; team,
     * resource and offering-user changes when membership follows events (not with
     * {@code stomp_membership_sync_enabled: false}, which keeps membership on polling), and then service and course
     * account changes unless {@code service_accounts_sync_enabled: false} (the reference subscribes to them with
     * membership, event_processing/utils.py); periodic limits when the offering enables them (as the reference's
     * {@code _determine_observable_object_types}).
     */
    public static List<EventType> forOffering(OfferingConfig o, boolean periodicLimits) {
        List<EventType> types = new ArrayList<>();
        if (o.orderProcessingBackend() != null && !o.orderProcessingBackend().isBlank()) {
            types.add(ORDER);
        }
        if (o.membershipByEvents()) {
            types.addAll(List.of(USER_ROLE, RESOURCE, OFFERING_USER));
            if (o.serviceAccounts()) {
                types.addAll(List.of(SERVICE_ACCOUNT, COURSE_ACCOUNT));
            }
        }
        if (periodicLimits) {
            types.add(RESOURCE_PERIODIC_LIMITS);
        }
        return types;
    }

    /** The type a queue carries, from Waldur's queue name {@code subscription_<s>_offering_<o>_<type>}. */
    public static Optional<EventType> ofQueue(String queue) {
        return Arrays.stream(values()).filter(t -> queue.endsWith("_" + t.wire)).findFirst();
    }
}
