package org.waldur.agent.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --log-format: one ECS JSON object a line with the item's MDC as fields; plain text names them too. */
class LogFormatTest {
    @Test
    void jsonLinesCarryTheItemFieldsAndTextLinesNameThem() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(json, true, StandardCharsets.UTF_8));
            Logging.useFormat("json");
            MDC.put(AgentMdc.MODE, "report");
            MDC.put(AgentMdc.OFFERING, "HPC");
            MDC.put(AgentMdc.RESOURCE, "9f57bd468d89481abdafa311d4acc59d");
            LoggerFactory.getLogger("org.waldur.agent.test").warn("usage of {} not reported", "hpc_alloc");
            System.setOut(new PrintStream(text, true, StandardCharsets.UTF_8));
            Logging.useFormat("text");
            LoggerFactory.getLogger("org.waldur.agent.test").warn("usage of {} not reported", "hpc_alloc");
        } finally {
            MDC.clear();
            System.setOut(original);
            Logging.useFormat("text");
        }
        String line = json.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("not reported")).findFirst().orElseThrow();
        JsonNode n = new ObjectMapper().readTree(line);
        assertEquals("usage of hpc_alloc not reported", n.path("message").asText(), line);
        assertEquals("WARN", n.path("log.level").asText(), line);
        assertEquals("report", n.path("mode").asText(), line);
        assertEquals("HPC", n.path("offering").asText(), line);
        assertEquals("9f57bd468d89481abdafa311d4acc59d", n.path("resource").asText(), line);
        String plain = text.toString(StandardCharsets.UTF_8);
        assertTrue(plain.contains("mode=report offering=HPC resource=9f57bd468d89481abdafa311d4acc59d usage of hpc_alloc not reported"), plain);
        assertThrows(IllegalArgumentException.class, () -> Logging.useFormat("xml"));
    }
}
