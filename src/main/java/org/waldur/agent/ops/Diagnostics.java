package org.waldur.agent.ops;

import com.fasterxml.jackson.databind.JsonNode;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.Mode;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmOutput;
import org.waldur.agent.slurm.SlurmResult;
import org.waldur.agent.slurm.SlurmRunner;
import org.waldur.agent.waldur.WaldurClient;
import org.waldur.agent.waldur.WaldurErrors;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The checks of {@code diagnostics}, per offering: can the agent reach Waldur, whom does its credential belong to,
 * what Waldur says of the offering, which modes serve it and why the others skip it, does SLURM answer, are the
 * configured components TRES that SLURM knows, and has every OK resource its account in SLURM. Each check is one
 * line; a failed Waldur or SLURM read fails its own check and those that need it, never the whole run.
 */
public final class Diagnostics {
    /** One line of the report. */
    public record Check(String name, boolean ok, String detail) {
        public String line() {
            return (ok ? "✔ " : "✘ ") + name + ": " + detail;
        }
    }

    public record OfferingReport(String name, String uuid, List<Check> checks) {
        public boolean ok() {
            return checks.stream().allMatch(Check::ok);
        }
    }

    /** The accounts listed in a failure line, at most: the rest are counted. */
    static final int MAX_LISTED = 20;

    private final Function<OfferingConfig, WaldurClient> waldur;
    private final SlurmRunner slurm;

    public Diagnostics(Function<OfferingConfig, WaldurClient> waldur, SlurmRunner slurm) {
        this.waldur = waldur;
        this.slurm = slurm;
    }

    public List<OfferingReport> run(AgentConfig config) {
        return config.offerings().stream().map(this::check).toList();
    }

    OfferingReport check(OfferingConfig o) {
        List<Check> checks = new ArrayList<>();
        WaldurClient client = waldur.apply(o);
        boolean tokenOk = waldurIdentity(o, client, checks);
        JsonNode offering = tokenOk ? offering(o, client, checks) : null;
        modes(o, checks);
        Set<String> accounts = slurmChecks(o, checks);
        if (tokenOk && accounts != null) {
            resources(o, client, accounts, checks);
        }
        return new OfferingReport(o.name(), o.uuid(), checks);
    }

    private boolean waldurIdentity(OfferingConfig o, WaldurClient client, List<Check> checks) {
        String auth = o.oidc() != null ? "OIDC client " + o.oidc().clientId() : "API token";
        try {
            JsonNode me = client.get("users/me/");
            checks.add(new Check("Waldur reachable", true, o.apiUrl().toString()));
            List<String> roles = new ArrayList<>();
            me.path("permissions").forEach(p -> roles.add(p.path("role_name").asText() + " on "
                    + p.path("scope_type").asText() + " " + p.path("scope_name").asText()));
            checks.add(new Check("credential valid", true, auth + " of user " + me.path("username").asText()
                    + (me.path("is_staff").asBoolean() ? " (staff)" : "")
                    + ", roles: " + (roles.isEmpty() ? "none" : String.join("; ", roles))));
            return true;
        } catch (WaldurClient.WaldurHttpException e) {
            checks.add(new Check("Waldur reachable", true, o.apiUrl() + " answered HTTP " + e.status));
            checks.add(new Check("credential valid", false, auth + " rejected: " + e.getMessage()));
        } catch (IOException | RuntimeException e) {
            checks.add(new Check("Waldur reachable", false, o.apiUrl() + ": " + WaldurErrors.describe(e)));
        }
        return false;
    }

    private JsonNode offering(OfferingConfig o, WaldurClient client, List<Check> checks) {
        try {
            JsonNode off = client.get("marketplace-provider-offerings/" + o.uuid() + "/");
            String state = off.path("state").asText();
            checks.add(new Check("offering", "Active".equals(state) || "Paused".equals(state),
                    "'" + off.path("name").asText() + "' type " + off.path("type").asText() + ", state " + state));
            checks.add(new Check("plugin options", true, off.path("plugin_options").toString()));
            Set<String> inWaldur = new LinkedHashSet<>();
            off.path("components").forEach(c -> inWaldur.add(c.path("type").asText()));
            List<String> missing = o.components().keySet().stream().filter(t -> !inWaldur.contains(t)).toList();
            checks.add(new Check("components in Waldur", missing.isEmpty(), missing.isEmpty()
                    ? "every backend_components type is an offering component " + o.components().keySet()
                    : "not in the Waldur offering: " + missing + " (run load-components)"));
            return off;
        } catch (IOException | RuntimeException e) {
            checks.add(new Check("offering", false, o.uuid() + ": " + WaldurErrors.describe(e)));
            return null;
        }
    }

    private static void modes(OfferingConfig o, List<Check> checks) {
        for (Mode m : Mode.values()) {
            String why = o.skipReason(m);
            if (why != null) {
                checks.add(new Check("mode " + m.cliName, true, "skips this offering: " + why));
            } else if (m != Mode.MEMBERSHIP_SYNC && o.components().isEmpty()) {
                checks.add(new Check("mode " + m.cliName, false, "serves this offering, but backend_components is "
                        + "empty: no limits to set and no usage to report"));
            } else {
                checks.add(new Check("mode " + m.cliName, true, "serves this offering"));
            }
        }
    }

    /** The SLURM checks; returns the cluster's accounts, or null when SLURM could not be read. */
    private Set<String> slurmChecks(OfferingConfig o, List<Check> checks) {
        SlurmCommands commands = new SlurmCommands(o.slurm());
        SlurmResult clusters = slurm.run(commands.clusters());
        if (!clusters.succeeded()) {
            checks.add(new Check("SLURM reachable", false, commands.clusters() + ": " + clusters.message()));
            return null;
        }
        List<String> names = clusters.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String wanted = o.slurm().clusterName();
        boolean known = wanted == null || names.contains(wanted);
        checks.add(new Check("SLURM reachable", known, "clusters " + names
                + (wanted == null ? "" : known ? ", cluster_name " + wanted + " among them"
                : ", but cluster_name " + wanted + " is not one of them")));
        SlurmResult tresResult = slurm.run(commands.listTres());
        if (tresResult.succeeded()) {
            Set<String> tres = SlurmOutput.tres(tresResult.stdout());
            List<String> unknown = o.components().keySet().stream().filter(t -> !tres.contains(t)).toList();
            checks.add(new Check("TRES", unknown.isEmpty(), unknown.isEmpty()
                    ? "every component is a TRES of `sacctmgr list tres` " + o.components().keySet()
                    : "components SLURM does not know: " + unknown + " (`sacctmgr list tres`: " + tres + ")"));
        } else {
            checks.add(new Check("TRES", false, "sacctmgr list tres: " + tresResult.message()));
        }
        SlurmResult accounts = slurm.run(commands.accountOrganizations());
        if (!accounts.succeeded()) {
            checks.add(new Check("SLURM accounts", false, "sacctmgr list account: " + accounts.message()));
            return null;
        }
        Set<String> names2 = new LinkedHashSet<>();
        accounts.stdout().lines().map(l -> l.split("\\|", -1)[0].strip()).filter(s -> !s.isEmpty()).forEach(names2::add);
        return names2;
    }

    private void resources(OfferingConfig o, WaldurClient client, Set<String> accounts, List<Check> checks) {
        try {
            JsonNode resources = client.list("marketplace-provider-resources/?offering_uuid=" + o.uuid()
                    + "&state=OK&field=uuid&field=name&field=backend_id");
            List<String> missing = new ArrayList<>();
            resources.forEach(r -> {
                String account = r.path("backend_id").asText("");
                if (account.isEmpty() || !accounts.contains(account)) {
                    missing.add((account.isEmpty() ? "(no backend_id)" : account) + " of " + r.path("uuid").asText());
                }
            });
            String listed = String.join(", ", missing.subList(0, Math.min(MAX_LISTED, missing.size())))
                    + (missing.size() > MAX_LISTED ? " and " + (missing.size() - MAX_LISTED) + " more" : "");
            checks.add(new Check("resources in SLURM", missing.isEmpty(), missing.isEmpty()
                    ? resources.size() + " OK resource(s), each backend_id is a SLURM account"
                    : missing.size() + " of " + resources.size() + " OK resource(s) have no SLURM account: " + listed));
        } catch (IOException | RuntimeException e) {
            checks.add(new Check("resources in SLURM", false, "listing OK resources: " + WaldurErrors.describe(e)));
        }
    }
}
