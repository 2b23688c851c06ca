package org.waldur.agent.slurm;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadFileTest {
    /**
     * ':' separates a load line's fields; SLURM reads a quoted value whole (FINDINGS, "quoted values"): unquoted,
     * {@code gres/gpu:a100=5} was cut to {@code gres/gpu} ("no TRES id found for gres/gpu").
     */
    @Test
    void aTresNameWithAColonStaysOneField() {
        LoadFile f = new LoadFile();
        Map<String, Long> limits = new TreeMap<>(Map.of("cpu", 10L, "gres/gpu:a100", 5L));
        f.account("a1", "root", "A one", "a1", limits);
        String text = f.render("sandbox");
        assertTrue(text.contains(":GrpTRESMins='cpu=10,gres/gpu:a100=5'"), text);
    }
}
