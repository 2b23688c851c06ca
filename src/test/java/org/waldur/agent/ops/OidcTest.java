package org.waldur.agent.ops;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.waldur.agent.config.ConfigException;
import org.waldur.agent.config.ConfigResolver;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.support.ConfigYaml;
import org.waldur.agent.waldur.WaldurAuth;
import org.waldur.agent.waldur.WaldurClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OIDC client credentials: a bearer token from the token endpoint, reused, refreshed before it expires. */
class OidcTest {
    static final String SECRET = "client-secret-7f3a9c";
    final FakeWaldur waldur = FakeWaldur.start(LoadComponentsCommandTest.TOKEN);
    final String offering = waldur.addOffering("HPC", List.of(), Map.of());

    @AfterEach
    void close() {
        waldur.close();
    }

    /** The offering with OIDC instead of waldur_api_token (the reference's three keys). */
    static String oidcYaml(FakeWaldur waldur, String offering, String tokenUrl) {
        return ConfigYaml.of(waldur.apiUrl(), "", offering, LoadComponentsCommandTest.SETTINGS, ConfigYaml.COMPONENTS)
                .replace("    waldur_api_token: \"\"\n", "    oidc_token_url: \"" + tokenUrl + "\"\n"
                        + "    oidc_client_id: \"site-agent\"\n    oidc_client_secret: \"" + SECRET + "\"\n");
    }

    OfferingConfig load(String yaml) throws Exception {
        Path f = Files.createTempFile("oidc", ".yaml");
        Files.writeString(f, yaml);
        return ConfigResolver.resolve(f.toString(), Map.of()).offerings().get(0);
    }

    @Test
    void bearerTokenReusedThenRefreshedBeforeExpiry() throws Exception {
        // 31 s tokens: refreshed 30 s before expiry, i.e. after 1 s; the fake refuses them after 31 s.
        OfferingConfig o = load(oidcYaml(waldur, offering, waldur.enableOidc("site-agent", SECRET, 31)));
        WaldurAuth auth = new WaldurAuth();
        WaldurClient client = new WaldurClient(o, auth, "test");
        String first = auth.header(o);
        assertTrue(first.startsWith("Bearer oidc-"), first);
        assertEquals(first, auth.header(o), "reused while fresh");
        assertEquals("HPC", client.get("marketplace-provider-offerings/" + offering + "/").path("name").asText());
        assertEquals(1, waldur.oidcGrants());
        Thread.sleep(1100);
        String second = auth.header(o);
        assertNotEquals(first, second, "refreshed 30 s before expiry");
        assertEquals(2, waldur.oidcGrants());
        client.get("users/me/");
        waldur.assertNoViolations();
    }

    @Test
    void aWrongSecretIsAClearErrorWithoutTheSecret() throws Exception {
        waldur.enableOidc("site-agent", "another-secret", 300);
        OfferingConfig o = load(oidcYaml(waldur, offering, "http://127.0.0.1:" + waldur.port() + "/__fake/oidc/token"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new WaldurAuth().header(o));
        assertTrue(e.getMessage().contains("answered 401 for client site-agent"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void theSecretIsMaskedAndAllThreeKeysAreRequired() throws Exception {
        OfferingConfig o = load(oidcYaml(waldur, offering, "https://idp.example.org/token"));
        assertFalse(o.oidc().toString().contains(SECRET), o.oidc().toString());
        assertFalse(o.toString().contains(SECRET));
        String noId = oidcYaml(waldur, offering, "https://idp.example.org/token").replace("    oidc_client_id: \"site-agent\"\n", "");
        ConfigException e = assertThrows(ConfigException.class, () -> load(noId));
        assertTrue(e.getMessage().contains("oidc_client_id"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }
}
