package org.waldur.agent.accounts;

import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.SlurmNames;
import org.waldur.agent.waldur.Order;
import org.waldur.agent.waldur.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a resource's SLURM accounts are called (site-agent-behaviour.md §6).
 *
 * <ul>
 *   <li>Slug names (YAML configuration): customer {@code customer_prefix + customer_slug}, project
 *       {@code project_prefix + project_slug}, allocation lower({@code allocation_prefix + base}) where base is the
 *       resource slug, or the project slug under the offering option
 *       {@code account_name_generation_policy: project_slug}.</li>
 *   <li>Legacy UUID names (0.2.x environment): customer/project = prefix + 32-hex UUID; allocation =
 *       lower(first N chars of (prefix + 5 hex of the resource UUID + "_" + resource name) with everything outside
 *       {@code [A-Za-z0-9_-]} removed), N = {@code SLURM_ALLOCATION_NAME_MAX_LEN}.</li>
 * </ul>
 * Every name is checked with {@link SlurmNames}; an unsafe one throws and the order errs with the reason.
 */
public final class AccountNaming {
    private final SlurmSettings s;

    public AccountNaming(SlurmSettings settings) {
        this.s = settings;
    }

    public String customer(Order o) {
        return customer(o.customerSlug(), o.customerUuid());
    }

    public String project(Order o) {
        return project(o.projectSlug(), o.projectUuid());
    }

    /** The customer account of a slug (legacy naming: of a UUID); a resource names its customer the same way. */
    public String customer(String slug, String uuid) {
        String key = s.legacyNaming() ? uuid : slug;
        return SlurmNames.account(lower(s.customerPrefix() + required(key, "customer_slug")));
    }

    public String project(String slug, String uuid) {
        String key = s.legacyNaming() ? uuid : slug;
        return SlurmNames.account(lower(s.projectPrefix() + required(key, "project_slug")));
    }

    /**
     * Candidate allocation names, in the order they are tried. One candidate normally; with the project-slug
     * policy or the Waldur uniqueness check, {@code backend_id_max_retries} of them: {@code base}, then
     * {@code base-0}, {@code base-1}, … (the reference fell back to project-slug names even under the
     * resource-slug policy; here the fallback keeps the policy's own base).
     */
    public List<String> allocationCandidates(Order o, Resource r) {
        if (s.legacyNaming()) {
            String uuid = required(r.uuid(), "resource uuid");
            String raw = s.allocationPrefix() + uuid.substring(0, Math.min(5, uuid.length())) + "_" + (r.name() == null ? "" : r.name());
            String cleaned = raw.replaceAll("[^A-Za-z0-9_-]", "");
            return List.of(SlurmNames.account(lower(cleaned.substring(0, Math.min(cleaned.length(), s.allocationNameMaxLen())))));
        }
        boolean projectPolicy = "project_slug".equals(option(o, r, "account_name_generation_policy"));
        String base = projectPolicy ? required(o.projectSlug(), "project_slug") : required(slug(r), "resource slug");
        int attempts = projectPolicy || s.checkBackendIdUniqueness() ? s.backendIdMaxRetries() : 1;
        List<String> out = new ArrayList<>();
        out.add(SlurmNames.account(lower(s.allocationPrefix() + base)));
        for (int i = 0; i < attempts - 1; i++) {
            out.add(SlurmNames.account(lower(s.allocationPrefix() + base + "-" + i)));
        }
        return out;
    }

    private static String slug(Resource r) {
        return r.slug();
    }

    private static Object option(Order o, Resource r, String key) {
        Map<String, Object> opts = o.offeringPluginOptions() != null ? o.offeringPluginOptions() : r.offeringPluginOptions();
        return opts == null ? null : opts.get(key);
    }

    private static String required(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is empty; cannot name the SLURM account");
        }
        return value;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
