package org.waldur.agent;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code report --from YYYY-MM --to YYYY-MM}: bad ranges are refused before anything starts. */
class AppReportCommandTest {
    private static int run(StringWriter err, String... args) {
        CommandLine cli = App.commandLine();
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void dashMReportIsTheReportModeNotTheBackfillCommand() {
        // the reference's `-m report`: before, picocli took "report" for the subcommand and refused the line
        CommandLine cli = App.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs("--once", "-m", "report", "-c", "x.yaml");
        App app = cli.getCommand();
        assertEquals(java.util.List.of("report"), app.modes);
        assertTrue(!parsed.hasSubcommand(), "no subcommand");
    }

    @Test
    void aMonthThatIsNoMonthIsAUsageError() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "report", "--from", "2026-13", "--to", "2026-14"));
        assertTrue(err.toString().contains("--from"), err::toString);
    }

    @Test
    void bothEndsAreRequired() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "report", "--from", "2026-01"));
        assertTrue(err.toString().contains("--to"), err::toString);
    }

    @Test
    void backwardsOrFutureRangesAreRefused() {
        assertEquals(2, run(new StringWriter(), "report", "--from", "2026-06", "--to", "2026-03"));
        assertEquals(2, run(new StringWriter(), "report", "--from", "2026-01", "--to", "2999-01"));
    }
}
