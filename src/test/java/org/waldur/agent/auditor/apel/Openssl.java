package org.waldur.agent.auditor.apel;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** The tests that verify signatures use Debian's openssl; in CI (CI=true) its absence fails them, elsewhere skips. */
final class Openssl {
    private Openssl() {
    }

    static void require() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/openssl"));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but /usr/bin/openssl is missing (apt-get install openssl)");
        }
        Assumptions.assumeTrue(present, "no /usr/bin/openssl: signature verification skipped");
    }
}
