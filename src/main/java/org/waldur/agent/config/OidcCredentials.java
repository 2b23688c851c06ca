package org.waldur.agent.config;

import java.net.URI;

/**
 * OIDC client credentials of an offering ({@code oidc_token_url}, {@code oidc_client_id}, {@code oidc_client_secret}),
 * which the reference agent accepts instead of {@code waldur_api_token}: the agent fetches a bearer token with the
 * client-credentials grant (waldur-api.md §2). The secret is a {@link Secret}, masked like the token.
 */
public record OidcCredentials(URI tokenUrl, String clientId, Secret clientSecret) {
    @Override
    public String toString() {
        return "OidcCredentials[" + tokenUrl + " " + clientId + " " + clientSecret + "]";
    }
}
