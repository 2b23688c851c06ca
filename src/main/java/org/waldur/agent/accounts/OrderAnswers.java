package org.waldur.agent.accounts;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.config.Uuids;
import org.waldur.agent.membership.ProjectAccounts;
import org.waldur.agent.waldur.Order;
import org.waldur.agent.waldur.Resource;
import org.waldur.agent.waldur.TeamMember;
import org.waldur.agent.waldur.WaldurJson;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Waldur answers routes/order-process.camel.yaml reads — order lists, the orders an event names, the
 * offering's taken names, a resource, its team and plan quotas, the executing orders — turned into what
 * {@link OrderSteps} and the {@link OrderPlanner} take. Stateless.
 */
public final class OrderAnswers {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.orders");


    public List<Order> orders(@Body String json) {
        List<Order> orders = WaldurJson.readList(json, Order.class);
        LOG.info("{} order(s) to process", orders.size());
        return orders;
    }

    /** The orders an event pass names, read one by one into this list ({@link #namedOrder}). */
    public List<Order> namedOrders() {
        return Collections.synchronizedList(new ArrayList<>());
    }

    /**
     * One order an event named: kept if it is still this offering's and waiting for the provider or executing —
     * the polling list's own filter — else skipped with the reason (it may have been done, or canceled, since).
     */
    public void namedOrder(@Body String json, @ExchangeProperty("orders") List<Order> orders,
                           @ExchangeProperty("offering") OfferingConfig offering) {
        Order o = WaldurJson.read(json, Order.class);
        if (!Objects.equals(Uuids.normalise(o.offeringUuid()), Uuids.normalise(offering.uuid()))) {
            LOG.warn("{}: not an order of offering {}; skipped", o, offering.name());
        } else if (!o.isPendingProvider() && !o.isExecuting()) {
            LOG.info("{}: nothing to do", o);
        } else {
            orders.add(o);
        }
    }

    /** The order an event named is gone from Waldur (404): nothing to do, and nothing to retry. */
    public void orderGone(@ExchangeProperty("namedOrder") String uuid) {
        LOG.info("order {} no longer exists in Waldur; nothing to do", uuid);
    }

    public void namedOrdersRead(@ExchangeProperty("orders") List<Order> orders) {
        LOG.info("{} order(s) to process", orders.size());
    }

    /** Whether any order will need a new allocation name (then Waldur's backend_ids are read once). */
    /**
     * A Create or Restore associates its project's OK service and course accounts (membership/ProjectAccounts.java)
     * when the offering syncs them: the cycle then reads the two lists once, into {@code projectAccounts}.
     */
    public boolean needsAccounts(@ExchangeProperty("orders") List<Order> orders, @ExchangeProperty("offering") OfferingConfig o,
                                 Exchange exchange) {
        boolean needed = o.serviceAccounts() && orders.stream().anyMatch(Order::needsTeam);
        if (needed) {
            exchange.setProperty("projectAccounts", new ProjectAccounts());
        }
        return needed;
    }

    public boolean needsNames(@ExchangeProperty("orders") List<Order> orders, @ExchangeProperty("offering") OfferingConfig o) {
        // policy common: a Terminate needs the offering's other allocations (OrderPlanner.leavingDefaultAccount)
        boolean common = "common".equals(o.slurm().defaultAccountPolicy());
        return orders.stream().anyMatch(order -> "Create".equals(order.type()) || "Restore".equals(order.type())
                || (common && "Terminate".equals(order.type())));
    }

    /**
     * The offering's resources ({@code uuid}, {@code backend_id}, {@code state}), every state: names the planner
     * must not take, and the allocations that are not Terminated.
     */
    public void takenNames(@Body String json, @ExchangeProperty("planner") OrderPlanner planner) {
        Map<String, String> taken = new java.util.LinkedHashMap<>();
        Set<String> live = new java.util.LinkedHashSet<>();
        WaldurJson.read(json, com.fasterxml.jackson.databind.JsonNode.class).forEach(r -> {
            String id = r.path("backend_id").asText("");
            if (!id.isBlank()) {
                taken.put(id, r.path("uuid").asText());
                if (!"Terminated".equals(r.path("state").asText())) {
                    live.add(id);
                }
            }
        });
        planner.takenInWaldur(taken);
        planner.offeringAllocations(live);
    }

    public Resource resource(@Body String json) {
        return WaldurJson.read(json, Resource.class);
    }

    public List<TeamMember> team(@Body String json) {
        return WaldurJson.readList(json, TeamMember.class);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Number> quotas(@Body String json) {
        Object q = WaldurJson.read(json, Map.class).get("quotas");
        return q instanceof Map<?, ?> m ? (Map<String, Number>) m : Map.of();
    }

    /** Whether any order of the cycle is to be marked done (then the executing orders are listed once). */
    public boolean anyDone(@ExchangeProperty("works") List<OrderWork> works) {
        return works.stream().anyMatch(w -> w.getOutcome() == OrderWork.Outcome.DONE);
    }

    /** The uuids of a list answer ({@code field=uuid}). */
    public Set<String> uuids(@Body String json) {
        Set<String> out = new java.util.HashSet<>();
        WaldurJson.read(json, com.fasterxml.jackson.databind.JsonNode.class).forEach(o -> out.add(o.path("uuid").asText()));
        return out;
    }

    /** Whether the order was among the executing orders listed after the SLURM writes. */
    public boolean stillExecuting(@ExchangeProperty("work") OrderWork work, @ExchangeProperty("executingOrders") Set<String> executing) {
        return executing != null && executing.contains(work.getOrderUuid());
    }
}
