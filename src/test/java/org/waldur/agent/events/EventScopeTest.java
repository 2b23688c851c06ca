package org.waldur.agent.events;

import org.junit.jupiter.api.Test;
import org.waldur.agent.waldur.Resource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventScopeTest {
    private static final String P1 = "11111111111111111111111111111111";
    private static final String P2 = "22222222222222222222222222222222";
    private static final String R1 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    private static Resource resource(String uuid, String project, String backendId) {
        return new Resource(uuid, "Alloc", "alloc", "OK", backendId, project, null, null, null, null, null, Map.of(), Map.of(),
                Map.of(), false, false, false);
    }

    @Test
    void aWindowsScopeIsTheUnionOfItsEvents() {
        EventScope s = EventScope.order("bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb").merge(EventScope.order("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
                .merge(EventScope.order("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
        assertEquals(List.of("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), s.orderUuids(),
                "each order once, in Waldur's 32-hex form");
        assertEquals(EventScope.WHOLE, s.merge(EventScope.WHOLE), "a catch-up in the window: the whole offering");
        assertEquals(EventScope.WHOLE, EventScope.WHOLE.merge(EventScope.project(P1)));
    }

    @Test
    void coversWhatItsEventsNameAndNothingElse() {
        EventScope s = EventScope.project(P1).merge(EventScope.resource(R1)).merge(EventScope.backendIds(List.of("hpc_x")));
        assertTrue(s.covers(resource("cccccccccccccccccccccccccccccccc", "11111111-1111-1111-1111-111111111111", "hpc_c")));
        assertTrue(s.covers(resource(R1, P2, "hpc_r")));
        assertTrue(s.covers(resource("dddddddddddddddddddddddddddddddd", P2, "hpc_x")));
        assertFalse(s.covers(resource("dddddddddddddddddddddddddddddddd", P2, "hpc_y")));
        assertTrue(EventScope.WHOLE.covers(resource("dddddddddddddddddddddddddddddddd", P2, null)));
    }

    @Test
    void waldurNarrowsTheResourceListOnlyWhenOneProjectIsAllTheScopeNames() {
        assertEquals("&project_uuid=" + P1, EventScope.project(P1).projectFilter());
        assertEquals("", EventScope.project(P1).merge(EventScope.project(P2)).projectFilter(), "project_uuid takes one value");
        assertEquals("", EventScope.project(P1).merge(EventScope.resource(R1)).projectFilter(), "R1 may be in another project");
        assertEquals("", EventScope.WHOLE.projectFilter());
    }
}
