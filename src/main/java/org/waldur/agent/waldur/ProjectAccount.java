package org.waldur.agent.waldur;

/**
 * The fields the agent reads of a {@code ProjectServiceAccount} or a {@code CourseAccount} (schemas in
 * src/test/resources/waldur-openapi/waldur-openapi-site-agent-subset-8.0.5.yaml), listed per offering by
 * {@code marketplace-provider-offerings/{uuid}/list_project_service_accounts/} and {@code …/list_course_accounts/}.
 * {@code state} is a {@code ServiceAccountState}: OK, Closed or Erred. A service account's {@code username} may be
 * absent (the schema does not require it).
 */
public record ProjectAccount(String uuid, String username, String state, String projectUuid) {
    /** Active, as the reference counts it (processors.py adds the accounts in OK only). */
    public boolean isOk() {
        return "OK".equals(state);
    }
}
