package org.waldur.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.apache.camel.component.timer.TimerEndpoint;
import org.junit.jupiter.api.Test;
import org.waldur.agent.support.AgentRouteTestSupport;

/**
 * The mode timers of routes/cycle.camel.yaml start the first cycle at once. Camel's timer waits 1 s before its
 * first tick unless told otherwise, and that second was a third of the time from process start to the first
 * Waldur request (issue 12's bench, examples/bench/agent-cycles.sh).
 */
class ModeTimerRouteTest extends AgentRouteTestSupport {

    @Test
    void everyModeTimerTicksFirstWithoutWaiting() {
        List<TimerEndpoint> timers = context.getEndpoints().stream()
                .filter(TimerEndpoint.class::isInstance).map(TimerEndpoint.class::cast).toList();
        assertFalse(timers.isEmpty(), "no mode timer in routes/");
        for (TimerEndpoint timer : timers) {
            assertEquals(0, timer.getDelay(), timer.getEndpointUri());
        }
    }
}
