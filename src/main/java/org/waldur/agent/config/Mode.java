package org.waldur.agent.config;

import java.util.Arrays;

/** The reference agent's modes, with the names used on its command line and in its environment variables. */
public enum Mode {
    ORDER_PROCESS("order_process", "WALDUR_SITE_AGENT_ORDER_PROCESS_PERIOD_MINUTES", 5),
    REPORT("report", "WALDUR_SITE_AGENT_REPORT_PERIOD_MINUTES", 30),
    MEMBERSHIP_SYNC("membership_sync", "WALDUR_SITE_AGENT_MEMBERSHIP_SYNC_PERIOD_MINUTES", 5),
    /** Events over STOMP; its period is the reconciliation poll that catches what no event announced. */
    EVENT_PROCESS("event_process", "WALDUR_SITE_AGENT_RECONCILIATION_PERIOD_MINUTES", 60);

    public final String cliName;
    public final String periodEnv;
    public final double defaultPeriodMinutes;

    Mode(String cliName, String periodEnv, double defaultPeriodMinutes) {
        this.cliName = cliName;
        this.periodEnv = periodEnv;
        this.defaultPeriodMinutes = defaultPeriodMinutes;
    }

    /** The route-id style name: {@code order-process}. */
    public String routeName() {
        return cliName.replace('_', '-');
    }

    public static Mode parse(String text) {
        return Arrays.stream(values()).filter(m -> m.cliName.equals(text.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown mode '" + text
                        + "' (expected order_process, report, membership_sync or event_process)"));
    }
}
