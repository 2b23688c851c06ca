package org.waldur.agent.waldur;

import java.util.Map;

/** The fields of {@code OrderDetails} the agent reads (waldur-api.md §8.3). */
public record Order(String uuid, String type, String state, String marketplaceResourceUuid, String resourceName,
                    Map<String, Object> attributes, Map<String, Number> limits, String planUuid,
                    String projectUuid, String projectSlug, String projectName,
                    String customerUuid, String customerSlug, String customerName,
                    String offeringUuid, Map<String, Object> offeringPluginOptions, String backendId,
                    String errorMessage) {

    public boolean isPendingProvider() {
        return "pending-provider".equals(state);
    }

    public boolean isExecuting() {
        return "executing".equals(state);
    }

    @Override
    public String toString() {
        return type + " order " + uuid + " (" + state + ", resource " + resourceName + ")";
    }
}
