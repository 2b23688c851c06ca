package org.waldur.agent.ops;

import org.apache.camel.Exchange;
import org.apache.camel.mdc.MDCService;
import org.slf4j.MDC;
import org.waldur.agent.config.Mode;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.waldur.Order;
import org.waldur.agent.waldur.Resource;

/**
 * Camel's MDC service (camel-mdc) plus what an operator greps for: every log line written while a route handles an
 * item carries {@code mode}, {@code offering}, and {@code order} / {@code resource} (UUIDs) from the exchange
 * properties the routes already set ({@code offering}, {@code order}, {@code resource}); log4j2.xml prints them,
 * and the JSON layout ships them as fields. The mode is the route the exchange started from: the mode's timer.
 */
public final class AgentMdc extends MDCService {
    public static final String MODE = "mode";
    public static final String OFFERING = "offering";
    public static final String ORDER = "order";
    public static final String RESOURCE = "resource";

    @Override
    protected void setMDC(Exchange exchange) {
        super.setMDC(exchange);
        Mode mode = modeOf(exchange);
        put(MODE, mode == null ? null : mode.cliName);
        Object offering = exchange.getProperty("offering");
        put(OFFERING, offering instanceof OfferingConfig o ? o.name() : null);
        Object order = exchange.getProperty("order");
        put(ORDER, order instanceof Order o ? o.uuid() : null);
        Object resource = exchange.getProperty("resource");
        put(RESOURCE, resource instanceof Resource r ? r.uuid()
                : order instanceof Order o ? o.marketplaceResourceUuid() : null);
    }

    @Override
    protected void unsetMDC(Exchange exchange) {
        super.unsetMDC(exchange);
        MDC.remove(MODE);
        MDC.remove(OFFERING);
        MDC.remove(ORDER);
        MDC.remove(RESOURCE);
    }

    private static void put(String key, String value) {
        if (value == null || value.isEmpty()) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /**
     * The mode whose route started the exchange (split copies keep it): its timer route ({@code order-process}) or,
     * called directly, its cycle route ({@code order-process-cycle}); create-homedirs is membership_sync's.
     */
    public static Mode modeOf(Exchange exchange) {
        // A cycle carries its mode (routes/cycle.camel.yaml sets it from the mode's timer, route tests send it).
        String carried = exchange.getProperty("mode", String.class);
        if (carried == null) {
            carried = exchange.getIn().getHeader("mode", String.class);
        }
        if (carried != null) {
            try {
                return Mode.parse(carried);
            } catch (IllegalArgumentException notAMode) {
                // fall back to the route the exchange came from
            }
        }
        String from = exchange.getFromRouteId();
        if (from == null) {
            return null;
        }
        if (from.startsWith("create-homedirs")) {
            return Mode.MEMBERSHIP_SYNC;
        }
        for (Mode m : Mode.values()) {
            if (from.equals(m.routeName()) || from.equals(m.routeName() + "-cycle")) {
                return m;
            }
        }
        return null;
    }
}
