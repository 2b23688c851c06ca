package org.waldur.agent.waldur;

import java.util.Map;

/**
 * The fields of a provider {@code Resource} the agent reads (schema {@code Resource} in
 * src/test/resources/waldur-openapi/waldur-openapi-site-agent-subset-8.0.5.yaml).
 */
public record Resource(String uuid, String name, String slug, String state, String backendId,
                       String projectUuid, String projectSlug, String projectName,
                       String customerUuid, String customerSlug, String customerName,
                       Map<String, Object> offeringPluginOptions, Map<String, Number> limits,
                       Map<String, Object> backendMetadata,
                       boolean paused, boolean downscaled, boolean restrictMemberAccess) {

    public boolean hasBackendId() {
        return backendId != null && !backendId.isBlank();
    }
}
