package org.waldur.agent.waldur;

import java.util.Map;

/**
 * The fields of a provider {@code Resource} the agent reads (schema {@code Resource} in
 * src/test/resources/waldur-openapi/waldur-openapi-site-agent-subset-8.0.5.yaml). {@code created} (a date-time)
 * and {@code endDate} ({@code YYYY-MM-DD}) give a prepaid allocation's term.
 */
public record Resource(String uuid, String name, String slug, String state, String backendId,
                       String projectUuid, String projectSlug, String projectName,
                       String customerUuid, String customerSlug, String customerName,
                       Map<String, Object> offeringPluginOptions, Map<String, Number> limits,
                       Map<String, Object> backendMetadata,
                       boolean paused, boolean downscaled, boolean restrictMemberAccess,
                       String created, String endDate) {

    /** A resource without a term (tests and callers that do not need one). */
    public Resource(String uuid, String name, String slug, String state, String backendId,
                    String projectUuid, String projectSlug, String projectName,
                    String customerUuid, String customerSlug, String customerName,
                    Map<String, Object> offeringPluginOptions, Map<String, Number> limits,
                    Map<String, Object> backendMetadata,
                    boolean paused, boolean downscaled, boolean restrictMemberAccess) {
        this(uuid, name, slug, state, backendId, projectUuid, projectSlug, projectName, customerUuid, customerSlug,
                customerName, offeringPluginOptions, limits, backendMetadata, paused, downscaled, restrictMemberAccess,
                null, null);
    }

    public boolean hasBackendId() {
        return backendId != null && !backendId.isBlank();
    }
}
