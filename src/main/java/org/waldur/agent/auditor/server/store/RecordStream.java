package org.waldur.agent.auditor.server.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The body of {@code GET /records}: records serialised one after the other as the cursor's rows arrive
 * ({@link RecordStore#FETCH_SIZE} per round trip), one JSON object per line, so memory stays constant for any
 * result size. The HTTP server pumps it in chunks.
 *
 * <p>A database error mid-stream is thrown as an IOException, which aborts the chunked response without its
 * terminating chunk: the client sees a broken transfer, never a truncated 200 that looks complete (AUDITOR ends
 * the stream silently; reference §7). The connection goes back to the pool at the end, on error and on close.
 */
public final class RecordStream extends InputStream {
    private static final Logger LOG = LoggerFactory.getLogger(RecordStream.class);
    private static final int CHUNK = 32 * 1024;

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final String nextCursor;
    private final Buffer buffer = new Buffer();
    private final RecordWriter writer;
    private int pos;
    private boolean done;
    private boolean closed;
    private long count;
    private volatile Runnable onDatabaseError = () -> { };

    RecordStream(Connection connection, PreparedStatement statement, ResultSet rows, String nextCursor) {
        this.connection = connection;
        this.statement = statement;
        this.rows = rows;
        this.nextCursor = nextCursor;
        try {
            this.writer = new RecordWriter(buffer);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What to do when the database fails mid-stream, before the read fails: the HTTP layer resets the
     * connection, since a failed read alone leaves a chunked response open (Vert.x has sent the headers).
     */
    public void onDatabaseError(Runnable action) {
        this.onDatabaseError = action;
    }

    /** The cursor of the next page, or null when this is the last page or no cursor was asked for. */
    public String nextCursor() {
        return nextCursor;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos >= buffer.size()) {
            if (done) {
                return -1;
            }
            fill();
            if (buffer.size() == 0) {
                return -1;
            }
        }
        int n = Math.min(len, buffer.size() - pos);
        System.arraycopy(buffer.bytes(), pos, b, off, n);
        pos += n;
        return n;
    }

    private void fill() throws IOException {
        buffer.reset();
        pos = 0;
        try {
            while (buffer.size() < CHUNK) {
                if (!rows.next()) {
                    done = true;
                    break;
                }
                writer.write(rows);
                writer.flush();
                count++;
            }
        } catch (SQLException e) {
            done = true;
            if (closed) {
                // closed under us: the client went away
                throw new IOException("record stream closed", e);
            }
            LOG.error("GET /records: the database failed after {} records; the response is aborted: {}",
                    count, e.getMessage());
            release();
            onDatabaseError.run();
            throw new IOException("database error while streaming records", e);
        }
        if (done) {
            release();
        }
    }

    @Override
    public void close() {
        release();
    }

    private synchronized void release() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            rows.close();
            statement.close();
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("closing a record stream: {}", e.getMessage());
        } finally {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("returning a connection: {}", e.getMessage());
            }
        }
    }

    /** A ByteArrayOutputStream whose array can be read without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(CHUNK + 16 * 1024);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
