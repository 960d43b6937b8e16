package dev.rdsiam.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** PostgreSQL frontend/backend protocol v3 framing. */
public final class PgWire {

    /** Protocol 3.0 startup code. */
    public static final int PROTOCOL_3 = 196608;
    /** SSLRequest code. */
    public static final int SSL_REQUEST = 80877103;
    /** GSSENCRequest code. */
    public static final int GSSENC_REQUEST = 80877104;
    /** CancelRequest code. */
    public static final int CANCEL_REQUEST = 80877102;

    private static final int MAX_MESSAGE = 64 * 1024 * 1024;

    private PgWire() {
    }

    /** A typed message: type byte and payload (without the length). */
    public record Message(char type, byte[] payload) {
        /** @return the payload as a cursor */
        public Cursor cursor() {
            return new Cursor(payload);
        }
    }

    /** Reads fields of a payload. */
    public static final class Cursor {
        private final byte[] data;
        private int pos;

        Cursor(byte[] data) {
            this.data = data;
        }

        /** @return a big-endian int32 */
        public int int32() {
            int v = ((data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16) | ((data[pos + 2] & 0xff) << 8)
                    | (data[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        /** @return a big-endian int16 */
        public int int16() {
            int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        /** @return a NUL-terminated UTF-8 string */
        public String cstring() {
            int start = pos;
            while (pos < data.length && data[pos] != 0) {
                pos++;
            }
            String s = new String(data, start, pos - start, StandardCharsets.UTF_8);
            pos = Math.min(pos + 1, data.length);
            return s;
        }

        /**
         * @param n how many bytes
         * @return the bytes
         */
        public byte[] bytes(int n) {
            byte[] b = new byte[n];
            System.arraycopy(data, pos, b, 0, n);
            pos += n;
            return b;
        }

        /** @return the remaining bytes */
        public byte[] rest() {
            return bytes(data.length - pos);
        }

        /** @return whether bytes remain */
        public boolean hasMore() {
            return pos < data.length;
        }
    }

    /**
     * Reads an untyped startup-phase packet (length + body).
     *
     * @param in the stream
     * @return the body after the length
     * @throws IOException on I/O errors or a bad length
     */
    public static byte[] readStartupPacket(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt();
        if (length < 8 || length > 10_000) {
            throw new IOException("bad startup packet length");
        }
        byte[] body = new byte[length - 4];
        data.readFully(body);
        return body;
    }

    /**
     * Reads a typed message.
     *
     * @param in the stream
     * @return the message
     * @throws IOException on I/O errors, EOF or a bad length
     */
    public static Message readMessage(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed");
        }
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt();
        if (length < 4 || length > MAX_MESSAGE) {
            throw new IOException("bad message length");
        }
        byte[] payload = new byte[length - 4];
        data.readFully(payload);
        return new Message((char) type, payload);
    }

    /**
     * Writes a typed message and flushes.
     *
     * @param out     the stream
     * @param type    the type byte
     * @param payload the payload
     * @throws IOException on I/O errors
     */
    public static void writeMessage(OutputStream out, char type, byte[] payload) throws IOException {
        out.write(frame(type, payload));
        out.flush();
    }

    /**
     * A framed message.
     *
     * @param type    the type byte
     * @param payload the payload
     * @return type + length + payload
     */
    public static byte[] frame(char type, byte[] payload) {
        byte[] b = new byte[5 + payload.length];
        b[0] = (byte) type;
        int len = payload.length + 4;
        b[1] = (byte) (len >>> 24);
        b[2] = (byte) (len >>> 16);
        b[3] = (byte) (len >>> 8);
        b[4] = (byte) len;
        System.arraycopy(payload, 0, b, 5, payload.length);
        return b;
    }

    /**
     * A startup message for protocol 3.0.
     *
     * @param params the parameters in order
     * @return the framed packet
     */
    public static byte[] startupMessage(Map<String, String> params) {
        Builder body = new Builder().int32(PROTOCOL_3);
        params.forEach((k, v) -> body.cstring(k).cstring(v));
        body.byte1(0);
        byte[] b = body.bytes();
        return new Builder().int32(b.length + 4).raw(b).bytes();
    }

    /**
     * Parses startup parameters after the protocol code.
     *
     * @param cursor positioned after the code
     * @return the parameters in order
     */
    public static Map<String, String> startupParams(Cursor cursor) {
        Map<String, String> params = new LinkedHashMap<>();
        while (cursor.hasMore()) {
            String key = cursor.cstring();
            if (key.isEmpty()) {
                break;
            }
            params.put(key, cursor.cstring());
        }
        return params;
    }

    /**
     * An ErrorResponse payload.
     *
     * @param severity FATAL or ERROR
     * @param sqlState the SQLSTATE
     * @param message  the primary message
     * @return the framed message
     */
    public static byte[] errorResponse(String severity, String sqlState, String message) {
        return frame('E', new Builder().byte1('S').cstring(severity).byte1('V').cstring(severity)
                .byte1('C').cstring(sqlState).byte1('M').cstring(message).byte1(0).bytes());
    }

    /**
     * The fields of an ErrorResponse or NoticeResponse.
     *
     * @param payload the payload
     * @return field code to value
     */
    public static Map<Character, String> errorFields(byte[] payload) {
        Map<Character, String> fields = new LinkedHashMap<>();
        Cursor c = new Cursor(payload);
        while (c.hasMore()) {
            int code = c.data[c.pos++];
            if (code == 0) {
                break;
            }
            fields.put((char) code, c.cstring());
        }
        return fields;
    }

    /** Builds payloads. */
    public static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /**
         * @param v a byte
         * @return this
         */
        public Builder byte1(int v) {
            out.write(v);
            return this;
        }

        /**
         * @param v an int32
         * @return this
         */
        public Builder int32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        /**
         * @param s a string, written NUL-terminated in UTF-8
         * @return this
         */
        public Builder cstring(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.write(0);
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

        /** @return the bytes */
        public byte[] bytes() {
            return out.toByteArray();
        }
    }
}
