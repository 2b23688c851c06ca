package org.waldur.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waldur.agent.config.Mode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which flow files of routes/ a process loads (RouteFiles): what a mode runs is there, other modes' flows are not. */
class RouteFilesTest {
    private static final Path ROUTES = Path.of("routes");
    private static final Set<String> EVERY_ROOT = App.routeRoots(EnumSet.allOf(Mode.class), true, true);
    /** What Camel resolves when a step runs: a missing one fails the cycle ("No consumers available"). */
    private static final Pattern DIRECT = Pattern.compile("(?m)^[^#\\n]*direct:([\\w-]+)");
    /** A route's direct consumer, or a templated route's whose template consumes {@code direct:{{name}}}. */
    private static final Pattern DIRECT_CONSUMER = Pattern.compile(
            "uri:\\s*\"?direct:([\\w-]+)|- name: name\\s*\\n\\s*value:\\s*\"?([\\w-]+)");

    private static List<String> names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    private static List<Path> load(Set<Mode> modes, boolean homedirs, boolean listen) {
        return RouteFiles.in(ROUTES).toLoad(App.routeRoots(modes, homedirs, listen), EVERY_ROOT);
    }

    @Test
    void everyDirectEndpointALoadedStepCallsHasItsRouteLoadedForEveryCombinationOfModes() throws IOException {
        List<Set<Mode>> combinations = new ArrayList<>();
        for (int bits = 1; bits < 1 << Mode.values().length; bits++) {
            Set<Mode> modes = EnumSet.noneOf(Mode.class);
            for (Mode m : Mode.values()) {
                if ((bits & 1 << m.ordinal()) != 0) {
                    modes.add(m);
                }
            }
            combinations.add(modes);
        }
        for (Set<Mode> modes : combinations) {
            for (boolean listen : new boolean[]{false, true}) {
                check(modes, false, listen);
            }
        }
        check(EnumSet.of(Mode.MEMBERSHIP_SYNC), true, false);
    }

    private static void check(Set<Mode> modes, boolean homedirs, boolean listen) throws IOException {
        List<Path> loaded = load(modes, homedirs, listen);
        Set<String> called = new HashSet<>();
        Set<String> consumed = new HashSet<>();
        for (Path f : loaded) {
            String text = Files.readString(f);
            Matcher c = DIRECT.matcher(text);
            while (c.find()) {
                called.add(c.group(1));
            }
            Matcher d = DIRECT_CONSUMER.matcher(text);
            while (d.find()) {
                consumed.add(d.group(1) != null ? d.group(1) : d.group(2));
            }
        }
        // what routes/cycle.camel.yaml and EventHub call by a name made at run time
        for (Mode m : modes) {
            called.add(m.routeName() + "-offering");
        }
        if (modes.contains(Mode.EVENT_PROCESS)) {
            called.addAll(org.waldur.agent.events.EventHub.PASS_ROUTES);
        }
        Set<String> missing = new HashSet<>(called);
        missing.removeAll(consumed);
        assertEquals(Set.of(), missing, modes + " (homedirs " + homedirs + ", listen " + listen + ") loads " + names(loaded));
    }

    @Test
    void aModeLeavesOutTheFlowsOnlyOtherModesUse() {
        List<String> membership = names(load(EnumSet.of(Mode.MEMBERSHIP_SYNC), false, false));
        assertTrue(membership.contains("membership-sync.camel.yaml") && membership.contains("slurm.camel.yaml"), membership.toString());
        for (String other : List.of("order-process.camel.yaml", "report.camel.yaml", "event-process.camel.yaml", "create-homedirs.camel.yaml")) {
            assertFalse(membership.contains(other), other + " in " + membership);
        }
        List<String> report = names(load(EnumSet.of(Mode.REPORT), false, false));
        assertTrue(report.contains("report.camel.yaml") && report.contains("waldur.camel.yaml"), report.toString());
        assertFalse(report.contains("membership-sync.camel.yaml") || report.contains("order-process.camel.yaml"), report.toString());
        // an order's Terminate reports the final usage through the report flow's routes; its Creates share only
        // project-people with membership_sync
        List<String> orders = names(load(EnumSet.of(Mode.ORDER_PROCESS), false, false));
        assertTrue(orders.contains("report.camel.yaml") && orders.contains("project-people.camel.yaml"), orders.toString());
        assertFalse(orders.contains("membership-sync.camel.yaml"), orders.toString());
        // a long-running order_process also listens for periodic limits: it registers like event_process, and
        // loads neither event_process's flow nor, through it, membership_sync's
        List<String> listening = names(load(EnumSet.of(Mode.ORDER_PROCESS), false, true));
        assertTrue(listening.contains("periodic-limits.camel.yaml") && listening.contains("event-register.camel.yaml"), listening.toString());
        assertFalse(listening.contains("event-process.camel.yaml") || listening.contains("membership-sync.camel.yaml"), listening.toString());
        assertFalse(names(load(EnumSet.allOf(Mode.class), false, true)).stream().anyMatch(f -> f.startsWith("auditor-")),
                "AUDITOR's flows belong to its own programs");
    }

    @Test
    void aSiteOwnFlowThatNoModeReachesIsAlwaysLoaded(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("shared.camel.yaml"), "- route:\n    id: shared\n    from:\n      uri: direct:shared\n");
        Files.writeString(dir.resolve("report.camel.yaml"), "- route:\n    id: report\n    from:\n      uri: timer:report\n"
                + "      steps:\n        - to: direct:report-only\n        - to: direct:shared\n");
        Files.writeString(dir.resolve("report-only.camel.yaml"), "- route:\n    id: report-only\n    from:\n      uri: direct:report-only\n");
        Files.writeString(dir.resolve("order-process.camel.yaml"), "- route:\n    id: order-process\n    from:\n      uri: timer:o\n"
                + "      steps:\n        - to: direct:shared\n");
        Files.writeString(dir.resolve("site-audit.camel.yaml"), "- route:\n    id: site-audit\n    from:\n      uri: timer:audit\n");

        List<String> orders = names(RouteFiles.in(dir).toLoad(Set.of("order-process"), Set.of("order-process", "report")));

        assertEquals(List.of("order-process.camel.yaml", "shared.camel.yaml", "site-audit.camel.yaml"), orders);
    }
}
