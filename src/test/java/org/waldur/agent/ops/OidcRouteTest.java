package org.waldur.agent.ops;

import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;
import org.waldur.agent.support.ConfigYaml;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's routes with OIDC client credentials: every Waldur call carries a fresh bearer token. */
class OidcRouteTest extends AgentRouteTestSupport {
    private final String customer = waldur.addCustomer("University of Tartu", "uni-tartu");
    private final String project = waldur.addProject(customer, "Climate 2024", "climate-2024");

    @Override
    protected String configYaml() {
        // 31 s tokens: the agent fetches a new one once 1 s has passed (30 s before expiry). Cycles on a loaded
        // machine can take longer than that, so the count of grants is compared, not fixed.
        String tokenUrl = waldur.enableOidc("site-agent", OidcTest.SECRET, 31);
        return ConfigYaml.of(waldur.apiUrl(), "", offering, backendSettings(), ConfigYaml.COMPONENTS)
                .replace("    waldur_api_token: \"\"\n", "    oidc_token_url: \"" + tokenUrl + "\"\n"
                        + "    oidc_client_id: \"site-agent\"\n    oidc_client_secret: \"" + OidcTest.SECRET + "\"\n");
    }

    @Test
    void ordersAreProcessedWithBearerTokensRefreshedBeforeExpiry() throws Exception {
        String first = waldur.addOrder(offering, null, "Create", "pending-provider", Map.of("gres/gpu", 5));
        cycle("order-process");
        assertEquals("done", waldur.order(first).get("state"), () -> "order: " + waldur.order(first));
        int grants = waldur.oidcGrants();
        assertTrue(grants >= 1, "a token was fetched");

        Thread.sleep(1100);
        String second = waldur.addOrder(offering, null, "Create", "pending-provider", Map.of("gres/gpu", 2));
        cycle("order-process");
        assertEquals("done", waldur.order(second).get("state"));
        assertTrue(waldur.oidcGrants() > grants, "refreshed 30 s before expiry");
        assertEquals(0, waldur.requests().stream().filter(r -> r.status() == 401).count(), "no request was refused");
        waldur.assertNoViolations();
    }
}
