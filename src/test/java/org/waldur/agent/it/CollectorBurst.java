package org.waldur.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A burst of finished jobs for the collector's crash suites: {@code jobs} jobs ending one after another over
 * {@code spreadSeconds} from a few seconds from now, a sacct stand-in on PATH that prints those whose End lies in
 * the {@code -S}/{@code -E} window (in the {@code --format} order asked for, with a {@code .batch} row each, as
 * sacct does; the real-SLURM suite proves the format), and the collector's config for a server's port.
 */
final class CollectorBurst {
    static final String STAND_IN = """
            #!/usr/bin/python3
            # sacct stand-in for the collector's crash suites: jobs from $FAKE_SACCT_JOBS (one JSON object a line)
            import datetime, json, os, sys
            a = sys.argv[1:]
            arg = lambda f: a[a.index(f) + 1]
            keys = arg('--format').split(',')
            ts = lambda s: int(datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc).timestamp())
            lo, hi = ts(arg('-S')), ts(arg('-E'))
            with open(os.environ['FAKE_SACCT_JOBS']) as f:
                for line in f:
                    job = json.loads(line)
                    if lo <= job['End'] <= hi:
                        print('|'.join(str(job.get(k, '')) for k in keys))
                        batch = {k: job[k] for k in ('Start', 'End', 'State', 'NCPUS', 'NodeList')}
                        batch['JobID'] = job['JobID'] + '.batch'
                        print('|'.join(str(batch.get(k, '')) for k in keys))
            """;
    final Path dir;
    final Path db;
    final long t0;
    final long lastEnd;
    final Set<String> expected;
    private final String prefix;
    private final Path bin;
    private final Path jobsFile;

    private CollectorBurst(Path dir, String prefix, long t0, long lastEnd, Set<String> expected) {
        this.dir = dir;
        this.prefix = prefix;
        this.db = dir.resolve("outbox.db");
        this.bin = dir.resolve("bin");
        this.jobsFile = dir.resolve("jobs.jsonl");
        this.t0 = t0;
        this.lastEnd = lastEnd;
        this.expected = Collections.unmodifiableSet(expected);
    }

    /** Job {@code i} is {@code 50000+i}, in part1 (even) or part2 (odd), {@code 1 + i % 8} CPUs, {@code 100+i} MB. */
    static CollectorBurst create(String prefix, int jobs, int spreadSeconds) throws IOException {
        Path dir = Files.createTempDirectory("aucol-" + prefix);
        Path sacct = Files.createDirectories(dir.resolve("bin")).resolve("sacct");
        Files.writeString(sacct, STAND_IN);
        Files.setPosixFilePermissions(sacct, PosixFilePermissions.fromString("rwxr-xr-x"));
        long t0 = Instant.now().getEpochSecond() + 4;
        StringBuilder lines = new StringBuilder();
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < jobs; i++) {
            String id = Integer.toString(50_000 + i);
            long end = t0 + (i * (long) spreadSeconds) / jobs;
            lines.append(String.format("{\"JobID\":\"%s\",\"Partition\":\"%s\",\"NCPUS\":%d,\"ReqMem\":\"%dM\",\"Start\":%d,"
                            + "\"End\":%d,\"Group\":\"lab\",\"User\":\"alice\",\"State\":\"COMPLETED\",\"NodeList\":\"vm\"}%n",
                    id, i % 2 == 0 ? "part1" : "part2", 1 + i % 8, 100 + i, end - 60, end));
            expected.add(prefix + "-" + id);
        }
        Files.writeString(dir.resolve("jobs.jsonl"), lines);
        return new CollectorBurst(dir, prefix, t0, t0 + spreadSeconds, expected);
    }

    /** The collector's config (AUDITOR's keys) sending to 127.0.0.1:{@code port}. */
    Path config(int port) throws IOException {
        Path cfg = dir.resolve("collector.yaml");
        Files.writeString(cfg, """
                addr: "127.0.0.1"
                port: %d
                record_prefix: "%s"
                earliest_datetime: "%s"
                database_path: "sqlite://%s"
                sacct_frequency: 1
                sender_frequency: 1
                sender_batch_size: 50
                sites:
                  - {name: "SiteA", only_if: {key: "Partition", matches: "^part1$"}}
                  - {name: "SiteB", only_if: {key: "Partition", matches: "^part2$"}}
                components:
                  - name: "Cores"
                    key: "NCPUS"
                    scores:
                      - {name: "HEPSPEC06", value: 1.1, only_if: {key: "Partition", matches: "^part1$"}}
                      - {name: "HEPSPEC06", value: 1.2, only_if: {key: "Partition", matches: "^part2$"}}
                  - {name: "Memory", key: "ReqMem", key_type: IntegerMega}
                tls_config: {use_tls: false}
                """.formatted(port, prefix, Instant.ofEpochSecond(t0 - 120), db));
        return cfg;
    }

    /** The stand-in first on PATH, and its jobs. */
    Map<String, String> env() {
        return Map.of("PATH", bin + ":" + System.getenv("PATH"), "FAKE_SACCT_JOBS", jobsFile.toString());
    }
}
