package org.waldur.agent.auditor.collector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The collector's durable state in one SQLite file (AUDITOR's collector keeps its queue in SQLite too): the
 * watermark, the outbox of records not yet accepted by the server, the ids already delivered (to drop the
 * overlap window's repeats) and the dead letters. Closes AUDITOR's loss windows (auditor.md §3.6):
 * <ul>
 *   <li>a poll's new watermark is committed in ONE transaction with the poll's last records ({@link #commitPoll}),
 *       after its earlier chunks ({@link #commitRecords}): a kill before that commit repeats the poll (the chunks
 *       already stored are not queued twice), a kill after it finds every record in the outbox;</li>
 *   <li>a record leaves the outbox only when the server took it ({@link #delivered}) or refused it for good
 *       ({@link #deadLetter}); transient failures only push its next attempt back ({@link #retryLater}).</li>
 * </ul>
 * WAL with {@code synchronous=FULL}: a committed poll survives a power cut, not only a killed process.
 * One connection, used under this object's lock by the poll and the sender.
 */
public final class Outbox implements AutoCloseable {
    private static final String WATERMARK = "watermark";
    private final Connection db;

    /** A record waiting for the server. */
    public record Pending(String recordId, String json, int attempts) {
    }

    /** A job or record that will not be sent, and why. */
    public record DeadLetter(String recordId, String kind, String reason, String body) {
    }

    /** What one poll's commit did. */
    public record PollCommit(int queued, int alreadyKnown, List<String> newDeadLetters) {
        public int deadLettered() {
            return newDeadLetters.size();
        }
    }

    public Outbox(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("CREATE TABLE IF NOT EXISTS collector_state(name TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS collector_outbox(record_id TEXT PRIMARY KEY, body TEXT NOT NULL, "
                        + "stop_epoch INTEGER, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL DEFAULT 0, "
                        + "last_error TEXT)");
                s.execute("CREATE TABLE IF NOT EXISTS collector_delivered(record_id TEXT PRIMARY KEY, stop_epoch INTEGER, "
                        + "delivered_ms INTEGER NOT NULL, how TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS collector_dead_letter(record_id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
                        + "reason TEXT NOT NULL, body TEXT, at_ms INTEGER NOT NULL)");
            }
            db.setAutoCommit(false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the collector database " + file + ": " + e.getMessage(), e);
        }
    }

    public synchronized Optional<Instant> watermark() {
        try (PreparedStatement p = db.prepareStatement("SELECT value FROM collector_state WHERE name=?")) {
            p.setString(1, WATERMARK);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(Instant.ofEpochSecond(Long.parseLong(r.getString(1)))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * One poll, atomically: new records into the outbox unless already queued, delivered or dead-lettered (the
     * overlap window returns jobs again); unbuildable jobs into the dead letters; the new watermark; and the
     * delivered ids that fell out of every future window are forgotten.
     */
    public synchronized PollCommit commitPoll(List<Queued> records, List<DeadLetter> dead, Instant newWatermark,
                                              Duration forgetBefore) {
        return commit(records, dead, newWatermark, forgetBefore);
    }

    /**
     * A chunk of a poll that goes on: its records and dead letters as {@link #commitPoll} stores them, atomically,
     * and the watermark left where it is (it moves only with the poll's last chunk).
     */
    public synchronized PollCommit commitRecords(List<Queued> records, List<DeadLetter> dead) {
        return commit(records, dead, null, null);
    }

    private PollCommit commit(List<Queued> records, List<DeadLetter> dead, Instant newWatermark, Duration forgetBefore) {
        int queued = 0;
        int known = 0;
        List<String> newDead = new ArrayList<>();
        try (PreparedStatement seen = db.prepareStatement("SELECT 1 FROM collector_delivered WHERE record_id=? "
                + "UNION ALL SELECT 1 FROM collector_dead_letter WHERE record_id=?");
             PreparedStatement ins = db.prepareStatement("INSERT OR IGNORE INTO collector_outbox(record_id, body, stop_epoch) "
                     + "VALUES (?,?,?)");
             PreparedStatement dl = db.prepareStatement("INSERT OR IGNORE INTO collector_dead_letter(record_id, kind, reason, "
                     + "body, at_ms) SELECT ?,?,?,?,? WHERE NOT EXISTS (SELECT 1 FROM collector_outbox WHERE record_id=?) "
                     + "AND NOT EXISTS (SELECT 1 FROM collector_delivered WHERE record_id=?)");
             PreparedStatement wm = db.prepareStatement("INSERT INTO collector_state(name, value) VALUES (?,?) "
                     + "ON CONFLICT(name) DO UPDATE SET value=excluded.value");
             PreparedStatement forget = db.prepareStatement("DELETE FROM collector_delivered WHERE stop_epoch < ?")) {
            for (Queued q : records) {
                seen.setString(1, q.recordId());
                seen.setString(2, q.recordId());
                boolean already;
                try (ResultSet r = seen.executeQuery()) {
                    already = r.next();
                }
                if (!already) {
                    ins.setString(1, q.recordId());
                    ins.setString(2, q.json());
                    ins.setLong(3, q.stopEpoch());
                    already = ins.executeUpdate() == 0;
                }
                if (already) {
                    known++;
                } else {
                    queued++;
                }
            }
            long now = System.currentTimeMillis();
            for (DeadLetter d : dead) {
                dl.setString(1, d.recordId());
                dl.setString(2, d.kind());
                dl.setString(3, d.reason());
                dl.setString(4, d.body());
                dl.setLong(5, now);
                dl.setString(6, d.recordId());
                dl.setString(7, d.recordId());
                if (dl.executeUpdate() > 0) {
                    newDead.add(d.recordId());
                }
            }
            if (newWatermark != null) {
                wm.setString(1, WATERMARK);
                wm.setString(2, Long.toString(newWatermark.getEpochSecond()));
                wm.executeUpdate();
                forget.setLong(1, newWatermark.minus(forgetBefore).getEpochSecond());
                forget.executeUpdate();
            }
            db.commit();
            return new PollCommit(queued, known, newDead);
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        }
    }

    /** A record ready for the outbox: its id, its JSON body and its stop time (to forget it once out of range). */
    public record Queued(String recordId, String json, long stopEpoch) {
    }

    /** Up to {@code limit} records whose next attempt is due, oldest first. */
    public synchronized List<Pending> due(int limit, long nowMs) {
        List<Pending> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT record_id, body, attempts FROM collector_outbox "
                + "WHERE next_attempt_ms <= ? ORDER BY rowid LIMIT ?")) {
            p.setLong(1, nowMs);
            p.setInt(2, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Pending(r.getString(1), r.getString(2), r.getInt(3)));
                }
            }
            db.commit();
            return out;
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        }
    }

    /** The server has these records (2xx, or {@code RECORD_EXISTS}): out of the outbox, remembered as delivered. */
    public synchronized void delivered(Collection<String> ids, String how) {
        try (PreparedStatement mark = db.prepareStatement("INSERT OR REPLACE INTO collector_delivered(record_id, stop_epoch, "
                + "delivered_ms, how) SELECT record_id, stop_epoch, ?, ? FROM collector_outbox WHERE record_id=?");
             PreparedStatement del = db.prepareStatement("DELETE FROM collector_outbox WHERE record_id=?")) {
            long now = System.currentTimeMillis();
            for (String id : ids) {
                mark.setLong(1, now);
                mark.setString(2, how);
                mark.setString(3, id);
                mark.addBatch();
                del.setString(1, id);
                del.addBatch();
            }
            mark.executeBatch();
            del.executeBatch();
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        }
    }

    /** A transient failure: the records stay, their next attempt moves back by the backoff of their attempt count. */
    public synchronized void retryLater(Collection<String> ids, String error, long nowMs, Backoff backoff) {
        try (PreparedStatement p = db.prepareStatement("UPDATE collector_outbox SET attempts=attempts+1, "
                + "next_attempt_ms=? + ?, last_error=? WHERE record_id=?");
             PreparedStatement a = db.prepareStatement("SELECT attempts FROM collector_outbox WHERE record_id=?")) {
            for (String id : ids) {
                a.setString(1, id);
                int attempts;
                try (ResultSet r = a.executeQuery()) {
                    attempts = r.next() ? r.getInt(1) : 0;
                }
                p.setLong(1, nowMs);
                p.setLong(2, backoff.delayMs(attempts + 1));
                p.setString(3, error);
                p.setString(4, id);
                p.executeUpdate();
            }
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        }
    }

    /** Refused for good by the server: moved from the outbox to the dead letters with the server's answer. */
    public synchronized void deadLetter(String id, String kind, String reason) {
        try (PreparedStatement ins = db.prepareStatement("INSERT OR REPLACE INTO collector_dead_letter(record_id, kind, "
                + "reason, body, at_ms) SELECT record_id, ?, ?, body, ? FROM collector_outbox WHERE record_id=?");
             PreparedStatement del = db.prepareStatement("DELETE FROM collector_outbox WHERE record_id=?")) {
            ins.setString(1, kind);
            ins.setString(2, reason);
            ins.setLong(3, System.currentTimeMillis());
            ins.setString(4, id);
            ins.executeUpdate();
            del.setString(1, id);
            del.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        }
    }

    public synchronized long count(String table) {
        if (!List.of("collector_outbox", "collector_delivered", "collector_dead_letter").contains(table)) {
            throw new IllegalArgumentException(table);
        }
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
            r.next();
            long n = r.getLong(1);
            db.commit();
            return n;
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        }
    }

    public long pending() {
        return count("collector_outbox");
    }

    public long deadLetters() {
        return count("collector_dead_letter");
    }

    public synchronized List<DeadLetter> deadLetterList() {
        List<DeadLetter> out = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT record_id, kind, reason, body FROM collector_dead_letter ORDER BY at_ms")) {
            while (r.next()) {
                out.add(new DeadLetter(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
            }
            db.commit();
            return out;
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the original failure is what the caller reports
        }
    }

    private static IllegalStateException failure(SQLException e) {
        return new IllegalStateException("collector database: " + e.getMessage(), e);
    }

    /** Exponential backoff: 1 s, 2 s, 4 s … capped. */
    public record Backoff(long firstMs, long maxMs) {
        public long delayMs(int attempt) {
            long d = firstMs << Math.min(Math.max(attempt - 1, 0), 20);
            return Math.min(d, maxMs);
        }
    }
}
