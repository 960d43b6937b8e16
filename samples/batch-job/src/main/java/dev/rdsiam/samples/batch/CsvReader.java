package dev.rdsiam.samples.batch;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CSV that {@link CsvWriter} writes (RFC 4180; LF or CRLF line ends; quoted fields may span lines). An
 * empty unquoted field reads as {@code null} (SQL NULL), {@code ""} as the empty string.
 */
final class CsvReader implements Closeable {

    private final Reader in;
    private int pushedBack = -2;
    private long line = 1;

    CsvReader(Reader in) {
        this.in = in;
    }

    /** @return the line the next record starts on (1-based), for error messages */
    long line() {
        return line;
    }

    /**
     * Reads the next record.
     *
     * @return its fields, or {@code null} at the end of the input
     * @throws CsvFormatException for an unterminated quoted field or text after a closing quote
     */
    List<String> next() throws IOException {
        int c = read();
        if (c == -1) {
            return null;
        }
        long startLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (c == '"') {
                sb.setLength(0);
                while (true) {
                    int q = read();
                    if (q == -1) {
                        throw new CsvFormatException("line " + startLine + ": a quoted field is not closed");
                    }
                    if (q == '"') {
                        int after = read();
                        if (after == '"') {
                            sb.append('"');
                            continue;
                        }
                        c = after;
                        break;
                    }
                    if (q == '\n') {
                        line++;
                    }
                    sb.append((char) q);
                }
                fields.add(sb.toString());
                if (c != ',' && c != '\n' && c != '\r' && c != -1) {
                    throw new CsvFormatException("line " + line + ": unexpected '" + (char) c
                            + "' after a closing quote (a quote inside a field must be doubled)");
                }
            } else {
                sb.setLength(0);
                while (c != ',' && c != '\n' && c != '\r' && c != -1) {
                    sb.append((char) c);
                    c = read();
                }
                fields.add(sb.length() == 0 ? null : sb.toString());
            }
            if (c == ',') {
                c = read();
                continue;
            }
            if (c == '\r') {
                int n = read();
                if (n != '\n') {
                    unread(n);
                }
            }
            if (c != -1) {
                line++;
            }
            return fields;
        }
    }

    private int read() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        return in.read();
    }

    private void unread(int c) {
        pushedBack = c;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Malformed CSV input. */
    static final class CsvFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        CsvFormatException(String message) {
            super(message);
        }
    }
}
