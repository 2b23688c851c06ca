package org.waldur.agent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.waldur.agent.support.FakeSlurm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The SLURM emulator ({@link FakeSlurm}) for an agent running as its own process: a directory of {@code sacctmgr},
 * {@code sacct}, {@code squeue}, {@code scancel} scripts (the offering's {@code slurm_bin_path}) that hand their argv
 * and stdin to this JVM over HTTP with curl and print the emulator's answer with its exit code. The agent runs its
 * real commands through camel-exec; only the binaries behind them are emulated, at a few ms per process.
 */
final class EmulatedSlurmBin implements AutoCloseable {
    final FakeSlurm slurm = new FakeSlurm();
    private final CamelContext camel = new DefaultCamelContext();
    private final HttpServer server;
    final Path dir;

    EmulatedSlurmBin(Path dir) throws IOException {
        this.dir = dir;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
        server.createContext("/run", this::run);
        server.start();
        Files.createDirectories(dir);
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/run";
        for (String tool : List.of("sacctmgr", "sacct", "squeue", "scancel")) {
            // the answer's first line is the exit code; only `load` reads stdin (the agent gives other commands none)
            String script = """
                    #!/bin/bash
                    q=(--url-query "a=$0")
                    for a in "$@"; do q+=(--url-query "a=$a"); done
                    body=(); [[ " $* " == *" load "* ]] && body=(--data-binary @-)
                    out=$(mktemp)
                    curl -s -X POST "${body[@]}" "${q[@]}" -o "$out" '%s' || { echo "emulator unreachable" >&2; exit 1; }
                    rc=$(head -n 1 "$out"); tail -n +2 "$out"; rm -f "$out"
                    exit "${rc:-1}"
                    """.formatted(url);
            Path f = dir.resolve(tool);
            Files.writeString(f, script);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private void run(HttpExchange ex) throws IOException {
        List<String> argv = new ArrayList<>();
        String query = ex.getRequestURI().getRawQuery();
        for (String kv : query == null ? new String[0] : query.split("&")) {
            if (kv.startsWith("a=")) {
                argv.add(URLDecoder.decode(kv.substring(2), StandardCharsets.UTF_8));
            }
        }
        String stdin = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setHeader("CamelExecCommandExecutable", argv.get(0));
        e.getMessage().setHeader("CamelExecCommandArgs", argv.subList(1, argv.size()));
        e.getMessage().setBody(stdin.isEmpty() ? null : stdin);
        int rc;
        String out;
        try {
            slurm.process(e);
            rc = e.getMessage().getHeader("CamelExecExitValue", Integer.class);
            String err = e.getMessage().getHeader("CamelExecStderr", String.class);
            out = e.getMessage().getBody(String.class) + (rc != 0 && err != null ? err : "");
        } catch (RuntimeException failure) {
            rc = 1;
            out = "emulator: " + failure + "\n";
        }
        byte[] bytes = (rc + "\n" + (out == null ? "" : out)).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
