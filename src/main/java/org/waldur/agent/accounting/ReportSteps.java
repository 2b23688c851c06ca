package org.waldur.agent.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.SlurmCommand;
import org.waldur.agent.slurm.SlurmCommands;
import org.waldur.agent.slurm.SlurmExec;
import org.waldur.agent.slurm.SlurmNames;
import org.waldur.agent.slurm.SlurmResult;
import org.waldur.agent.slurm.StreamedResult;
import org.waldur.agent.waldur.Resource;
import org.waldur.agent.waldur.WaldurJson;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The steps routes/report.camel.yaml calls. The cycle's state lives in exchange properties: {@code resources},
 * {@code offeringComponents}, {@code offeringUsers}, {@code usageByPeriod}, {@code limitsSnapshot}, {@code item}.
 */
public final class ReportSteps {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.report");
    private final AgentConfig config;
    private final Supplier<ZonedDateTime> clock;
    private final Set<String> warnedComponents = ConcurrentHashMap.newKeySet();

    /** Set for the {@code report --from --to} backfill: these months instead of the last {@code reporting_periods}. */
    private volatile YearMonth backfillFrom;
    private volatile YearMonth backfillTo;

    public ReportSteps(AgentConfig config, Supplier<ZonedDateTime> clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Makes the report cycle a backfill of the months {@code from}..{@code to} (both null: the usual months). */
    public ReportSteps backfill(YearMonth from, YearMonth to) {
        this.backfillFrom = from;
        this.backfillTo = to;
        return this;
    }

    // ---- Waldur answers -----------------------------------------------------------------------------------

    /** The component types the offering has in Waldur; configured components outside it are warned once. */
    public Set<String> offeringComponents(@Body String json, @ExchangeProperty("offering") OfferingConfig offering) {
        Set<String> types = new LinkedHashSet<>();
        JsonNode components = WaldurJson.read(json, JsonNode.class).path("components");
        components.forEach(c -> types.add(c.path("type").asText()));
        for (String configured : offering.components().keySet()) {
            if (!types.contains(configured) && warnedComponents.add(offering.uuid() + configured)) {
                LOG.warn("{}: component '{}' is configured but not on the Waldur offering; its usage is not reported",
                        offering.name(), configured);
            }
        }
        return types;
    }

    /** Resources with a safe backend_id; the others are logged and left out. */
    public List<Resource> resources(@Body String json, @ExchangeProperty("offering") OfferingConfig offering) {
        List<Resource> out = new ArrayList<>();
        for (Resource r : WaldurJson.readList(json, Resource.class)) {
            if (!r.hasBackendId()) {
                continue;
            }
            if (!SlurmNames.isAccount(r.backendId().trim())) {
                LOG.warn("{}: resource {} has backend_id '{}', not a safe SLURM account name; skipped", offering.name(), r.uuid(), r.backendId());
                continue;
            }
            out.add(r);
        }
        LOG.info("{}: {} resource(s) to report", offering.name(), out.size());
        return out;
    }

    /** Offering username → offering-user URL, for per-user usage. */
    public Map<String, String> offeringUsers(@Body String json) {
        Map<String, String> out = new LinkedHashMap<>();
        WaldurJson.read(json, JsonNode.class).forEach(u -> {
            String name = u.path("username").asText("");
            if (!name.isEmpty()) {
                out.put(name, u.path("url").asText(null));
            }
        });
        return out;
    }

    // ---- SLURM: one sacct per period for all accounts --------------------------------------------------------

    /** Reporting months, oldest first; remembers when the cycle started for the month-change guard. */
    public List<ReportingPeriod> periods(Exchange exchange) {
        ZonedDateTime now = clock.get().withZoneSameInstant(config.timezone());
        exchange.setProperty("reportStarted", now);
        // shared by reference with the split's sub-exchanges, which fill it (properties they set themselves are lost)
        exchange.setProperty("usageByPeriod", new LinkedHashMap<ReportingPeriod, Map<String, AccountUsage>>());
        exchange.setProperty("existingUsages", new ConcurrentHashMap<String, List<UsageDecision.Existing>>());
        exchange.setProperty("existingUserUsages", new ConcurrentHashMap<String, Map<String, Map<String, BigDecimal>>>());
        exchange.setProperty("waitingUserUsages", new ConcurrentHashMap<ReportingPeriod, List<PeriodUsage>>());
        if (backfillFrom != null) {
            List<ReportingPeriod> months = ReportingPeriods.range(backfillFrom, backfillTo, now, config.waldurTimezone());
            LOG.info("backfill: {} month(s) from {} to {}, one sacct per month for all accounts", months.size(), backfillFrom, backfillTo);
            return months;
        }
        return ReportingPeriods.of(now, config.reportingPeriods(), config.waldurTimezone());
    }

    public List<SlurmCommand> sacctCommands(@ExchangeProperty("period") ReportingPeriod period,
                                            @ExchangeProperty("resources") List<Resource> resources,
                                            @ExchangeProperty("offering") OfferingConfig offering, Exchange exchange) {
        exchange.setProperty("aggregator", new UsageAggregator(offering.components().keySet()));
        SlurmCommands commands = new SlurmCommands(offering.slurm());
        return SlurmCommands.chunks(accounts(resources)).stream()
                .map(chunk -> commands.sacct(period.zone(), period.sacctStart(), period.sacctEnd(), chunk)).toList();
    }

    /** Streams one sacct output (a file-backed stream) into the period's aggregator. */
    public void aggregate(@Body StreamedResult sacct, @ExchangeProperty("aggregator") UsageAggregator aggregator) throws IOException {
        try (sacct) {
            SlurmResult r = sacct.result();
            if (r.exitCode() != 0) {
                throw new SlurmExec.SlurmReadException("sacct failed (exit " + r.exitCode() + "): " + r.message());
            }
            ParseStats stats = SacctParser.parse(sacct.stdout(), aggregator);
            if (stats.malformed() > 0) {
                LOG.warn("sacct: {}", stats.summary());
            }
        }
    }

    public void periodDone(@ExchangeProperty("period") ReportingPeriod period, Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<ReportingPeriod, Map<String, AccountUsage>> byPeriod = exchange.getProperty("usageByPeriod", Map.class);
        Map<String, AccountUsage> usage = exchange.getProperty("aggregator", UsageAggregator.class).result();
        byPeriod.put(period, usage);
        if (backfillFrom != null) {
            LOG.info("backfill {}: sacct read, {} account(s) with usage", period.month(), usage.size());
        }
    }

    /** If the month turned while SLURM was read, the "current" figures belong to two months: report them next cycle. */
    public void checkMonth(Exchange exchange) {
        ZonedDateTime started = exchange.getProperty("reportStarted", ZonedDateTime.class);
        ZonedDateTime now = clock.get().withZoneSameInstant(config.timezone());
        exchange.setProperty("monthTurned", !ReportingPeriods.sameMonth(started, now));
        if (!ReportingPeriods.sameMonth(started, now)) {
            LOG.warn("the month changed during the cycle; the current month is reported next cycle");
        }
    }

    // ---- per resource --------------------------------------------------------------------------------------

    /** The resource's usage per period, oldest first, in Waldur units, limited to the offering's components. */
    @SuppressWarnings("unchecked")
    public List<PeriodUsage> resourcePeriods(@ExchangeProperty("resource") Resource resource, Exchange exchange) {
        OfferingConfig offering = exchange.getProperty("offering", OfferingConfig.class);
        Set<String> offered = exchange.getProperty("offeringComponents", Set.class);
        Map<ReportingPeriod, Map<String, AccountUsage>> byPeriod = exchange.getProperty("usageByPeriod", Map.class);
        boolean monthTurned = Boolean.TRUE.equals(exchange.getProperty("monthTurned", Boolean.class));
        TresConverter converter = new TresConverter(offering.components());
        String account = resource.backendId().trim();
        List<PeriodUsage> out = new ArrayList<>();
        for (Map.Entry<ReportingPeriod, Map<String, AccountUsage>> e : byPeriod.entrySet()) {
            ReportingPeriod period = e.getKey();
            if (period.current() && monthTurned) {
                continue;
            }
            AccountUsage usage = e.getValue().getOrDefault(account, AccountUsage.zero(account, offering.components().keySet()));
            Map<String, BigDecimal> amounts = only(converter.usageToWaldur(usage.total()), offered);
            Map<String, Map<String, BigDecimal>> users = new TreeMap<>();
            usage.byUser().forEach((user, values) -> users.put(user, only(converter.usageToWaldur(values), offered)));
            out.add(new PeriodUsage(resource.uuid(), account, period, amounts, users));
        }
        return out;
    }

    /**
     * Waldur's usage records of one month for the whole offering, kept by (resource, month) for {@link #decide} and
     * the per-user calls; a re-read of the month replaces what an earlier read kept.
     */
    public void keepExisting(@Body String usagesJson, @ExchangeProperty("period") ReportingPeriod period,
                             @ExchangeProperty("existingUsages") Map<String, List<UsageDecision.Existing>> existing) {
        existing.keySet().removeIf(k -> k.endsWith("/" + period.billingPeriod()));
        WaldurJson.read(usagesJson, JsonNode.class).forEach(u -> existing
                .computeIfAbsent(u.path("resource_uuid").asText() + "/" + period.billingPeriod(), k -> new ArrayList<>())
                .add(new UsageDecision.Existing(u.path("uuid").asText(), u.path("type").asText(), new BigDecimal(u.path("usage").asText("0")))));
    }

    /**
     * Waldur's per-user rows of one month for the whole offering, kept by (resource, month) as component type →
     * username → usage, for {@link UserUsageDiff}.
     */
    public void keepExistingUsers(@Body String userUsagesJson, @ExchangeProperty("period") ReportingPeriod period,
                                  @ExchangeProperty("existingUserUsages") Map<String, Map<String, Map<String, BigDecimal>>> existing) {
        WaldurJson.read(userUsagesJson, JsonNode.class).forEach(u -> existing
                .computeIfAbsent(u.path("resource_uuid").asText() + "/" + period.billingPeriod(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(u.path("component_type").asText(), k -> new ConcurrentHashMap<>())
                .put(u.path("username").asText(), new BigDecimal(u.path("usage").asText("0"))));
    }

    public UsageDecision decide(@ExchangeProperty("item") PeriodUsage item,
                                @ExchangeProperty("existingUsages") Map<String, List<UsageDecision.Existing>> existing) {
        UsageDecision d = UsageDecision.decide(existing.getOrDefault(key(item), List.of()),
                item.amounts());
        if (d.kind() == UsageDecision.Kind.ANOMALY) {
            LOG.warn("usage anomaly for {} {}: {}; not submitted", item.getAccount(), item.getBillingPeriod(), d.reason());
        } else if (d.kind() == UsageDecision.Kind.UNCHANGED) {
            LOG.debug("{} {}: unchanged", item.getAccount(), item.getBillingPeriod());
        }
        return d;
    }

    /**
     * After set_usage: one set_user_usages call per component whose per-user rows differ from SLURM's, at once
     * when Waldur already held a record of each of those components (set_usage updates it in place). Otherwise
     * none now: the item waits for the month's single re-read ({@link #waitingMonths}), which learns the uuids of
     * the records set_usage created — one list per month, not one per resource.
     */
    public List<Map<String, Object>> userUsageCallsAfterSubmit(@ExchangeProperty("item") PeriodUsage item,
                                                              @ExchangeProperty("existingUsages") Map<String, List<UsageDecision.Existing>> existing,
                                                              @ExchangeProperty("offeringUsers") Map<String, String> offeringUsers,
                                                              @ExchangeProperty("existingUserUsages") Map<String, Map<String, Map<String, BigDecimal>>> existingUsers,
                                                              @ExchangeProperty("waitingUserUsages") Map<ReportingPeriod, List<PeriodUsage>> waiting) {
        Set<String> differing = UserUsageDiff.differing(existingUsers.getOrDefault(key(item), Map.of()), item.byUser());
        Set<String> known = new LinkedHashSet<>();
        existing.getOrDefault(key(item), List.of()).forEach(r -> known.add(r.type()));
        if (known.containsAll(differing)) {
            return userUsageCalls(existing.getOrDefault(key(item), List.of()), item, offeringUsers, existingUsers);
        }
        waiting.computeIfAbsent(item.period(), p -> java.util.Collections.synchronizedList(new ArrayList<>())).add(item);
        return List.of();
    }

    /** The months with items whose per-user rows wait for the uuids of records set_usage created. */
    public List<ReportingPeriod> waitingMonths(@ExchangeProperty("waitingUserUsages") Map<ReportingPeriod, List<PeriodUsage>> waiting) {
        return waiting == null ? List.of() : new ArrayList<>(waiting.keySet());
    }

    public List<PeriodUsage> waitingItems(@ExchangeProperty("period") ReportingPeriod period,
                                          @ExchangeProperty("waitingUserUsages") Map<ReportingPeriod, List<PeriodUsage>> waiting) {
        synchronized (waiting.get(period)) {
            return new ArrayList<>(waiting.get(period));
        }
    }

    /** After the month's re-read: the item's set_user_usages calls on the records Waldur now holds. */
    public List<Map<String, Object>> knownUserUsageCalls(@ExchangeProperty("item") PeriodUsage item,
                                                        @ExchangeProperty("existingUsages") Map<String, List<UsageDecision.Existing>> existing,
                                                        @ExchangeProperty("offeringUsers") Map<String, String> offeringUsers,
                                                        @ExchangeProperty("existingUserUsages") Map<String, Map<String, Map<String, BigDecimal>>> existingUsers) {
        return userUsageCalls(existing.getOrDefault(key(item), List.of()), item, offeringUsers, existingUsers);
    }

    /** Per-user rows that did not reach Waldur: noted like a failed resource (a Terminate's account then waits). */
    public void userUsagesFailed(@ExchangeProperty("item") PeriodUsage item, Exchange exchange) {
        @SuppressWarnings("unchecked")
        Set<String> failures = exchange.getProperty("reportFailures", Set.class);
        if (failures != null) {
            failures.add(item.getResourceUuid());
        }
    }

    /**
     * Totals unchanged: the per-user rows may still lack what an earlier cycle failed to post (set_user_usages or
     * its read-back failed after set_usage succeeded). Calls for the components that differ, on the records
     * Waldur already holds; none when everything matches.
     */
    public List<Map<String, Object>> userUsageRepairs(@ExchangeProperty("item") PeriodUsage item,
                                                     @ExchangeProperty("existingUsages") Map<String, List<UsageDecision.Existing>> existing,
                                                     @ExchangeProperty("offeringUsers") Map<String, String> offeringUsers,
                                                     @ExchangeProperty("existingUserUsages") Map<String, Map<String, Map<String, BigDecimal>>> existingUsers) {
        List<Map<String, Object>> calls = userUsageCalls(existing.getOrDefault(key(item), List.of()), item, offeringUsers, existingUsers);
        if (!calls.isEmpty()) {
            LOG.info("{} {}: per-user usage missing or stale in Waldur; posting it again", item.getAccount(), item.getBillingPeriod());
        }
        return calls;
    }

    private static List<Map<String, Object>> userUsageCalls(List<UsageDecision.Existing> records, PeriodUsage item,
                                                          Map<String, String> offeringUsers,
                                                          Map<String, Map<String, Map<String, BigDecimal>>> existingUsers) {
        Set<String> differing = UserUsageDiff.differing(existingUsers.getOrDefault(key(item), Map.of()), item.byUser());
        List<Map<String, Object>> calls = new ArrayList<>();
        for (UsageDecision.Existing record : records) {
            Map<String, Object> body = differing.contains(record.type()) ? item.userUsagesBody(record.type(), offeringUsers) : null;
            if (body != null) {
                calls.add(Map.of("path", "marketplace-component-usages/" + record.uuid() + "/set_user_usages/", "body", body));
            }
        }
        return calls;
    }

    private static String key(PeriodUsage item) {
        return item.getResourceUuid() + "/" + item.getBillingPeriod();
    }

    /** Notes a resource whose report failed, when the caller collects them (a Terminate's final report). */
    public void resourceFailed(@ExchangeProperty("resource") Resource resource, Exchange exchange) {
        @SuppressWarnings("unchecked")
        Set<String> failures = exchange.getProperty("reportFailures", Set.class);
        if (failures != null) {
            failures.add(resource.uuid());
        }
    }

    /** Waldur refuses a past month's usage-type components from a non-staff token; that is expected, not an error. */
    public boolean backfillRefused(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpOperationFailedException h) {
                return h.getStatusCode() == 400 && String.valueOf(h.getResponseBody()).contains("backfilling past billing periods");
            }
        }
        return false;
    }

    // ---- limits read back ------------------------------------------------------------------------------------

    public SlurmCommand limitsCommand(@ExchangeProperty("resources") List<Resource> resources, @ExchangeProperty("offering") OfferingConfig o) {
        return new SlurmCommands(o.slurm()).associations(accounts(resources));
    }

    public AssociationSnapshot limitsSnapshot(@Body SlurmResult result) {
        if (!result.succeeded()) {
            throw new SlurmExec.SlurmReadException("sacctmgr show association failed: " + result.message());
        }
        return AssociationSnapshot.parse(result.stdout(), "");
    }

    /** {@code set_limits} body when SLURM's GrpTRESMins (converted) differ from the resource's limits; else null. */
    public Map<String, Object> limitsBody(@ExchangeProperty("resource") Resource resource,
                                          @ExchangeProperty("limitsSnapshot") AssociationSnapshot snapshot,
                                          @ExchangeProperty("offering") OfferingConfig offering) {
        if (snapshot == null) {
            return null; // a Terminate's final report reads no limits
        }
        AssociationSnapshot.Account a = snapshot.get(resource.backendId().trim());
        if (a == null) {
            LOG.warn("{}: SLURM account {} of resource {} does not exist", offering.name(), resource.backendId(), resource.uuid());
            return null;
        }
        Map<String, Object> body = LimitsEcho.body(resource.limits(), a.grpTresMins, offering.components());
        if (body != null) {
            LOG.info("{}: limits of {} differ in SLURM ({}) and Waldur {}; sending SLURM's", offering.name(), resource.backendId(), a.grpTresMins, resource.limits());
        }
        return body;
    }

    private static List<String> accounts(List<Resource> resources) {
        Set<String> out = new LinkedHashSet<>();
        resources.forEach(r -> out.add(r.backendId().trim()));
        return new ArrayList<>(out);
    }

    private static Map<String, BigDecimal> only(Map<String, BigDecimal> values, Set<String> types) {
        Map<String, BigDecimal> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (types.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
