package org.waldur.agent.waldur;

import java.util.Map;

/**
 * The fields of an order the agent reads (schema {@code OrderDetails} in
 * src/test/resources/waldur-openapi/waldur-openapi-site-agent-subset-8.0.5.yaml), and what its type asks for.
 */
public record Order(String uuid, String type, String state, String marketplaceResourceUuid, String resourceName,
                    Map<String, Object> attributes, Map<String, Number> limits, String planUuid,
                    String projectUuid, String projectSlug, String projectName,
                    String customerUuid, String customerSlug, String customerName,
                    String offeringUuid, Map<String, Object> offeringPluginOptions, String backendId,
                    String errorMessage) {

    public boolean isPendingProvider() {
        return "pending-provider".equals(state);
    }

    /** The order as Waldur holds it after approve_by_provider succeeded: executing (no need to read it back). */
    public Order approved() {
        return new Order(uuid, type, "executing", marketplaceResourceUuid, resourceName, attributes, limits, planUuid,
                projectUuid, projectSlug, projectName, customerUuid, customerSlug, customerName, offeringUuid,
                offeringPluginOptions, backendId, errorMessage);
    }

    public boolean isExecuting() {
        return "executing".equals(state);
    }

    /** Create and Restore build the allocation with the project team's associations, so they read the team. */
    public boolean needsTeam() {
        return "Create".equals(type) || "Restore".equals(type);
    }

    /** An Update without limits of its own is a plan switch: the new plan's quotas are the limits. */
    public boolean needsPlanQuotas() {
        return "Update".equals(type) && (limits == null || limits.isEmpty()) && planUuid != null;
    }

    @Override
    public String toString() {
        return type + " order " + uuid + " (" + state + ", resource " + resourceName + ")";
    }
}
