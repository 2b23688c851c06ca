package org.waldur.agent.membership;

import org.junit.jupiter.api.Test;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.config.SlurmSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HomeDirsTest {
    private static OfferingConfig offering(String basePath) {
        SlurmSettings s = new SlurmSettings("root", "common", "root", "hpc_", "hpc_", "hpc_", null, null, "/usr/bin", List.of(),
                null, false, "normal", null, null, true, "0077", basePath, false, 50, false, false, 0,
                SlurmSettings.UsageBasis.REQUESTED);
        return new OfferingConfig("HPC", "0123", null, null, true, "", "slurm", "", false, s, Map.of());
    }

    @Test
    void withoutBasePathOnlyNewUsersAndEachOnlyUntilItSucceeded() {
        HomeDirs h = new HomeDirs(p -> false);
        OfferingConfig o = offering(null);
        assertEquals(List.of("dave"), h.needed(o, List.of("dave"), List.of("alice")), "existing users cannot be checked: skipped");
        h.created(o, "dave");
        assertEquals(List.of(), h.needed(o, List.of("dave"), List.of()), "never re-created (gh-15)");
    }

    @Test
    void withBasePathExistingUsersWhoseHomeIsMissingToo() {
        Set<Path> dirs = Set.of(Path.of("/home/alice"));
        HomeDirs h = new HomeDirs(dirs::contains);
        OfferingConfig o = offering("/home");
        assertEquals(List.of("dave", "bob"), h.needed(o, List.of("dave"), List.of("alice", "bob")));
        h.created(o, "bob");
        assertEquals(List.of("dave"), h.needed(o, List.of("dave"), List.of("alice", "bob")), "dave failed: tried again");
    }

    @Test
    void aHomeThatFailedIsRetriedNextCycleWhenTheUserIsNoLongerNew() {
        HomeDirs h = new HomeDirs(p -> false);
        OfferingConfig o = offering(null);
        assertEquals(List.of("dave"), h.needed(o, List.of("dave"), List.of()));
        // mkhomedir_helper failed: next cycle dave is an existing member, and still owed a home
        assertEquals(List.of("dave"), h.needed(o, List.of(), List.of("dave")));
        h.created(o, "dave");
        assertEquals(List.of(), h.needed(o, List.of(), List.of("dave")));
    }

    @Test
    void membersAddedByOrderProcessingAreOwedAHomeToo() {
        HomeDirs h = new HomeDirs(p -> false);
        OfferingConfig o = offering(null);
        h.owe(o, List.of("erin", "frank"));
        assertEquals(List.of("erin", "frank"), h.needed(o, List.of(), List.of()));
        h.created(o, "erin");
        assertEquals(List.of("frank"), h.needed(o, List.of(), List.of()));
    }
}
