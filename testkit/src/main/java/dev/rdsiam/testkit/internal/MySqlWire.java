package dev.rdsiam.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** MySQL client/server protocol framing and a few packet builders. */
public final class MySqlWire {

    /** CLIENT_LONG_PASSWORD. */
    public static final int CLIENT_LONG_PASSWORD = 1;
    /** CLIENT_FOUND_ROWS. */
    public static final int CLIENT_FOUND_ROWS = 1 << 1;
    /** CLIENT_LONG_FLAG. */
    public static final int CLIENT_LONG_FLAG = 1 << 2;
    /** CLIENT_CONNECT_WITH_DB. */
    public static final int CLIENT_CONNECT_WITH_DB = 1 << 3;
    /** CLIENT_NO_SCHEMA. */
    public static final int CLIENT_NO_SCHEMA = 1 << 4;
    /** CLIENT_COMPRESS. */
    public static final int CLIENT_COMPRESS = 1 << 5;
    /** CLIENT_ODBC. */
    public static final int CLIENT_ODBC = 1 << 6;
    /** CLIENT_LOCAL_FILES. */
    public static final int CLIENT_LOCAL_FILES = 1 << 7;
    /** CLIENT_IGNORE_SPACE. */
    public static final int CLIENT_IGNORE_SPACE = 1 << 8;
    /** CLIENT_PROTOCOL_41. */
    public static final int CLIENT_PROTOCOL_41 = 1 << 9;
    /** CLIENT_INTERACTIVE. */
    public static final int CLIENT_INTERACTIVE = 1 << 10;
    /** CLIENT_SSL. */
    public static final int CLIENT_SSL = 1 << 11;
    /** CLIENT_IGNORE_SIGPIPE. */
    public static final int CLIENT_IGNORE_SIGPIPE = 1 << 12;
    /** CLIENT_TRANSACTIONS. */
    public static final int CLIENT_TRANSACTIONS = 1 << 13;
    /** CLIENT_RESERVED. */
    public static final int CLIENT_RESERVED = 1 << 14;
    /** CLIENT_SECURE_CONNECTION. */
    public static final int CLIENT_SECURE_CONNECTION = 1 << 15;
    /** CLIENT_MULTI_STATEMENTS. */
    public static final int CLIENT_MULTI_STATEMENTS = 1 << 16;
    /** CLIENT_MULTI_RESULTS. */
    public static final int CLIENT_MULTI_RESULTS = 1 << 17;
    /** CLIENT_PS_MULTI_RESULTS. */
    public static final int CLIENT_PS_MULTI_RESULTS = 1 << 18;
    /** CLIENT_PLUGIN_AUTH. */
    public static final int CLIENT_PLUGIN_AUTH = 1 << 19;
    /** CLIENT_CONNECT_ATTRS. */
    public static final int CLIENT_CONNECT_ATTRS = 1 << 20;
    /** CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA. */
    public static final int CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 1 << 21;
    /** CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS. */
    public static final int CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS = 1 << 22;
    /** CLIENT_SESSION_TRACK. */
    public static final int CLIENT_SESSION_TRACK = 1 << 23;
    /** CLIENT_DEPRECATE_EOF. */
    public static final int CLIENT_DEPRECATE_EOF = 1 << 24;

    private static final int MAX_PACKET = 16 * 1024 * 1024;

    private MySqlWire() {
    }

    /** One packet: sequence id and payload. */
    public record Packet(int sequence, byte[] payload) {
        /** @return the first payload byte, or -1 */
        public int header() {
            return payload.length == 0 ? -1 : payload[0] & 0xff;
        }

        /** @return a cursor over the payload */
        public Cursor cursor() {
            return new Cursor(payload);
        }
    }

    /**
     * Reads one packet.
     *
     * @param in the stream
     * @return the packet
     * @throws IOException on I/O errors or EOF
     */
    public static Packet read(InputStream in) throws IOException {
        byte[] header = readFully(in, 4);
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        if (length > MAX_PACKET) {
            throw new IOException("packet too large");
        }
        return new Packet(header[3] & 0xff, readFully(in, length));
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new EOFException("connection closed");
            }
            off += r;
        }
        return b;
    }

    /**
     * Writes one packet and flushes.
     *
     * @param out      the stream
     * @param sequence the sequence id
     * @param payload  the payload
     * @throws IOException on I/O errors
     */
    public static void write(OutputStream out, int sequence, byte[] payload) throws IOException {
        byte[] b = new byte[4 + payload.length];
        b[0] = (byte) payload.length;
        b[1] = (byte) (payload.length >>> 8);
        b[2] = (byte) (payload.length >>> 16);
        b[3] = (byte) sequence;
        System.arraycopy(payload, 0, b, 4, payload.length);
        out.write(b);
        out.flush();
    }

    /**
     * An ERR packet payload.
     *
     * @param code     the error number
     * @param sqlState the SQLSTATE, or {@code null} to leave it out (before the client announced protocol 4.1)
     * @param message  the message
     * @return the payload
     */
    public static byte[] err(int code, String sqlState, String message) {
        Builder b = new Builder().int1(0xff).int2(code);
        if (sqlState != null) {
            b.raw(("#" + sqlState).getBytes(StandardCharsets.US_ASCII));
        }
        return b.raw(message.getBytes(StandardCharsets.UTF_8)).bytes();
    }

    /** Reads fields. */
    public static final class Cursor {
        private final byte[] data;
        private int pos;

        Cursor(byte[] data) {
            this.data = data;
        }

        /** @return one byte */
        public int int1() {
            return data[pos++] & 0xff;
        }

        /** @return little-endian int16 */
        public int int2() {
            int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8;
            pos += 2;
            return v;
        }

        /** @return little-endian int32 */
        public int int4() {
            int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16
                    | (data[pos + 3] & 0xff) << 24;
            pos += 4;
            return v;
        }

        /** @return a length-encoded integer, or -1 for the NULL marker 0xfb */
        public long lenenc() {
            int first = int1();
            if (first < 0xfb) {
                return first;
            }
            if (first == 0xfb) {
                return -1;
            }
            if (first == 0xfc) {
                return int2();
            }
            if (first == 0xfd) {
                int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16;
                pos += 3;
                return v;
            }
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (long) (data[pos + i] & 0xff) << (8 * i);
            }
            pos += 8;
            return v;
        }

        /**
         * @param n how many bytes
         * @return the bytes
         */
        public byte[] bytes(int n) {
            // n comes from the client (a length-encoded length): negative, or so large that pos + n overflows
            if (n < 0 || n > data.length - pos) {
                throw new IllegalArgumentException("truncated packet");
            }
            byte[] b = new byte[n];
            System.arraycopy(data, pos, b, 0, n);
            pos += n;
            return b;
        }

        /** @return a NUL-terminated string (or to the end) */
        public String cstring() {
            return new String(cbytes(), StandardCharsets.UTF_8);
        }

        /** @return NUL-terminated bytes (or to the end), without the NUL */
        public byte[] cbytes() {
            int start = pos;
            while (pos < data.length && data[pos] != 0) {
                pos++;
            }
            byte[] b = new byte[pos - start];
            System.arraycopy(data, start, b, 0, b.length);
            if (pos < data.length) {
                pos++;
            }
            return b;
        }

        /** @return the remaining bytes */
        public byte[] rest() {
            return bytes(data.length - pos);
        }

        /** @param n bytes to skip */
        public void skip(int n) {
            pos += n;
        }

        /** @return remaining byte count */
        public int remaining() {
            return data.length - pos;
        }
    }

    /** Builds payloads. */
    public static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /**
         * @param v a byte
         * @return this
         */
        public Builder int1(int v) {
            out.write(v);
            return this;
        }

        /**
         * @param v little-endian int16
         * @return this
         */
        public Builder int2(int v) {
            out.write(v);
            out.write(v >>> 8);
            return this;
        }

        /**
         * @param v little-endian int32
         * @return this
         */
        public Builder int4(int v) {
            int2(v);
            int2(v >>> 16);
            return this;
        }

        /**
         * @param v a length-encoded integer
         * @return this
         */
        public Builder lenenc(long v) {
            if (v < 0xfb) {
                out.write((int) v);
            } else if (v < 0x10000) {
                out.write(0xfc);
                int2((int) v);
            } else if (v < 0x1000000) {
                out.write(0xfd);
                int2((int) v);
                out.write((int) (v >>> 16));
            } else {
                out.write(0xfe);
                int4((int) v);
                int4((int) (v >>> 32));
            }
            return this;
        }

        /**
         * @param b raw bytes
         * @return this
         */
        public Builder raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        /**
         * @param s a string written NUL-terminated
         * @return this
         */
        public Builder cstring(String s) {
            raw(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
            return this;
        }

        /**
         * @param n zero bytes
         * @return this
         */
        public Builder zeros(int n) {
            for (int i = 0; i < n; i++) {
                out.write(0);
            }
            return this;
        }

        /** @return the bytes */
        public byte[] bytes() {
            return out.toByteArray();
        }
    }
}
