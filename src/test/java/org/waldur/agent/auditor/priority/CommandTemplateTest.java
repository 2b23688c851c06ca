package org.waldur.agent.auditor.priority;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CommandTemplateTest {

    @Test
    void placeholdersAsAuditorsTemplatingTest() {
        CommandTemplate t = CommandTemplate.parse("/usr/bin/scontrol update PartitionName={1} Group={group} "
                + "PriorityJobFactor={priority} SomeResourceStuff={resource} Other={2}");
        assertEquals(List.of("/usr/bin/scontrol", "update", "PartitionName=part1", "Group=group1",
                        "PriorityJobFactor=5", "SomeResourceStuff=1.2", "Other=extra"),
                t.argv("group1", List.of("part1", "extra"), 5, 1.2));
    }

    @Test
    void documentedPluralPlaceholderAndNoExponent() {
        CommandTemplate t = CommandTemplate.parse("echo {resources} {resource}");
        assertEquals(List.of("echo", "17280", "17280"), t.argv("g", List.of(), 1, 17280.0));
        assertEquals(List.of("echo", "86572800", "86572800"), t.argv("g", List.of(), 1, 86_572_800.0));
        assertEquals("0.0001", CommandTemplate.formatResource(1e-4));
    }

    @Test
    void docsBashCommandIsOneShellArgument() {
        // The command of AUDITOR's documentation: split once, no shell of ours; bash gets one -c argument.
        CommandTemplate t = CommandTemplate.parse("/usr/bin/bash -c \"/usr/bin/echo \\\"$(date --rfc-3339=sec --utc)"
                + " | {resource} | {priority}\\\" >> /var/lib/auditor-priority-plugin/{group}.txt\"");
        assertEquals(List.of("/usr/bin/bash", "-c", "/usr/bin/echo \"$(date --rfc-3339=sec --utc) | 600 | 1634\" "
                + ">> /var/lib/auditor-priority-plugin/group4.txt"), t.argv("group4", List.of("part4"), 1634, 600));
    }

    @Test
    void substitutedValuesNeverSplitIntoMoreArguments() {
        CommandTemplate t = CommandTemplate.parse("'/usr/bin/scontrol' update PartitionName={1}");
        assertEquals(List.of("/usr/bin/scontrol", "update", "PartitionName=a b; rm -rf /"),
                t.argv("g", List.of("a b; rm -rf /"), 1, 1));
        assertEquals(List.of("x", "{10}-ten", "one"), CommandTemplate.parse("x {10}-ten {1}").argv("g", List.of("one"), 1, 1),
                "{10} is left alone when there is no 10th parameter, and not read as {1} followed by 0");
    }

    @Test
    void unbalancedQuotesAreAConfigError() {
        assertThrows(IllegalArgumentException.class, () -> CommandTemplate.parse("echo 'oops"));
        assertThrows(IllegalArgumentException.class, () -> CommandTemplate.parse("   "));
    }
}
