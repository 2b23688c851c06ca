package org.waldur.agent.membership;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.slurm.SlurmBatch;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmResult;
import org.waldur.agent.waldur.WaldurJson;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-user limits steps of routes/membership-sync.camel.yaml and membership-writes.camel.yaml: Waldur's
 * answers read into {@link UserLimitsPlan} inputs (exchange properties {@code userLimits}, {@code limitUsers}),
 * and its plan as one {@code sacctmgr load} for every changed association of the offering (one load per
 * resource when that fails, so only the bad resource errs). Stateless.
 */
public final class UserLimitSteps {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.membership");

    public List<UserLimitsPlan.Limit> limits(@Body String json) {
        List<UserLimitsPlan.Limit> out = new ArrayList<>();
        for (JsonNode l : WaldurJson.read(json, JsonNode.class)) {
            String limit = l.path("limit").asText("");
            out.add(new UserLimitsPlan.Limit(l.path("resource").asText(null), l.path("user").asText(null),
                    l.path("component_type").asText(""), limit.isEmpty() ? null : new BigDecimal(limit)));
        }
        return out;
    }

    /** The offering users are read only when some limit needs a name. */
    public boolean needsUsers(@ExchangeProperty("userLimits") List<UserLimitsPlan.Limit> limits) {
        return limits != null && !limits.isEmpty();
    }

    public List<UserLimitsPlan.OfferingUser> offeringUsers(@Body String json) {
        List<UserLimitsPlan.OfferingUser> out = new ArrayList<>();
        for (JsonNode u : WaldurJson.read(json, JsonNode.class)) {
            out.add(new UserLimitsPlan.OfferingUser(u.path("uuid").asText(""), u.path("user_uuid").asText(null),
                    u.path("username").asText(null)));
        }
        return out;
    }

    /** After the adds: every association whose MaxTRESMins differs from Waldur's, in one load. */
    public SlurmBatch<MembershipWork> writes(@ExchangeProperty("batch") MembershipBatch batch, @ExchangeProperty("offering") OfferingConfig o,
                                             @ExchangeProperty("cluster") String cluster,
                                             @ExchangeProperty("userLimits") List<UserLimitsPlan.Limit> limits,
                                             @ExchangeProperty("limitUsers") List<UserLimitsPlan.OfferingUser> users) {
        Map<MembershipWork, Map<String, Map<String, Long>>> plan = new UserLimitsPlan(batch.snapshot(), o.components(), LOG::warn)
                .plan(batch.works().stream().filter(w -> !w.isLeft() && !w.resource.restrictMemberAccess()).toList(),
                        limits == null ? List.of() : limits, users == null ? List.of() : users);
        SlurmCommands commands = new SlurmCommands(o.slurm());
        SlurmBatch<MembershipWork> b = SlurmBatch.of("per-user limits load", List.copyOf(plan.keySet()))
                .onBatchSuccess(w -> LOG.info("{}: MaxTRESMins set: {}", w, plan.get(w)))
                .whenSlurmAway((w, r) -> w.leave())
                .eachItem(w -> List.of(commands.load(UserLimitsPlan.load(w, plan.get(w)).cluster(cluster))), (w, r) -> applied(w, r, plan.get(w)));
        if (!plan.isEmpty()) {
            LoadFile all = new LoadFile();
            plan.forEach((w, changes) -> all.addAll(UserLimitsPlan.load(w, changes)));
            LOG.info("setting MaxTRESMins of {} association(s) of {} account(s) in one sacctmgr load", all.lines(), plan.size());
            b.batch(commands.load(all.cluster(cluster)));
        }
        return b;
    }

    private static void applied(MembershipWork w, SlurmResult r, Map<String, Map<String, Long>> changes) {
        if (r.isTransient()) {
            w.leave();
        } else if (!r.succeeded()) {
            w.problem("setting MaxTRESMins " + changes + " on " + w.account + ": " + r.message());
        } else {
            LOG.info("{}: MaxTRESMins set: {}", w, changes);
        }
    }
}
