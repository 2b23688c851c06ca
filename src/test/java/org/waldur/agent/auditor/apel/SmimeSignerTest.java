package org.waldur.agent.auditor.apel;

import org.junit.jupiter.api.Test;
import org.waldur.agent.it.RealSlurm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signed message is checked by Debian's openssl, the tool an APEL operator would use, not by our own code. */
class SmimeSignerTest {

    @Test
    void opensslVerifiesTheSignedSummaryAgainstTheTestCa() throws Exception {
        Openssl.require();
        Path dir = Files.createTempDirectory("smime");
        TestCa ca = new TestCa(dir);
        Path[] host = ca.host("host", "ce1.example.org");
        String signed = SmimeSigner.fromPem(host[0], host[1]).sign(ApelSummaryTest.SUMMARY);
        Path msg = dir.resolve("signed.txt");
        Files.writeString(msg, signed);
        Path out = dir.resolve("content.txt");

        RealSlurm.Result r = RealSlurm.run(List.of("openssl", "smime", "-verify", "-in", msg.toString(),
                "-CAfile", dir.resolve("ca.pem").toString(), "-text", "-out", out.toString()), null);
        assertEquals(0, r.rc(), r.out());
        assertTrue(r.out().contains("Verification successful"), r.out());
        assertEquals(ApelSummaryTest.SUMMARY, Files.readString(out).replace("\r\n", "\n"));
        assertTrue(signed.contains("micalg=\"sha-256\""), signed);

        // a changed byte in the text fails verification
        Files.writeString(msg, signed.replace("NumberOfJobs: 2", "NumberOfJobs: 3"));
        RealSlurm.Result tampered = RealSlurm.run(List.of("openssl", "smime", "-verify", "-in", msg.toString(),
                "-CAfile", dir.resolve("ca.pem").toString(), "-out", "/dev/null"), null);
        assertNotEquals(0, tampered.rc(), tampered.out());

        // and a certificate from another CA is refused
        TestCa other = new TestCa(Files.createTempDirectory("other-ca"));
        Files.writeString(msg, signed);
        RealSlurm.Result untrusted = RealSlurm.run(List.of("openssl", "smime", "-verify", "-in", msg.toString(),
                "-CAfile", other.dir.resolve("ca.pem").toString(), "-out", "/dev/null"), null);
        assertNotEquals(0, untrusted.rc(), untrusted.out());
        assertTrue(new String(Files.readAllBytes(msg), StandardCharsets.UTF_8).startsWith("MIME-Version: 1.0\r\n"));
    }
}
