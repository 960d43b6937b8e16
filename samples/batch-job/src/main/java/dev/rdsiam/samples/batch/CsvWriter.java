package dev.rdsiam.samples.batch;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes RFC 4180 CSV: comma-separated, CRLF line ends, fields quoted when they hold a comma, a quote, a line break
 * or are empty. A SQL {@code NULL} is an empty unquoted field and an empty string is {@code ""}, the convention of
 * PostgreSQL's {@code COPY ... CSV}, so that {@link CsvReader} tells them apart.
 */
final class CsvWriter implements Closeable {

    private final Writer out;
    private boolean lineStarted;

    CsvWriter(Writer out) {
        this.out = out;
    }

    /** Writes one record. */
    void record(List<String> fields) throws IOException {
        for (String f : fields) {
            field(f);
        }
        endRecord();
    }

    /** Writes one field of the current record; {@code null} for SQL NULL. */
    void field(String value) throws IOException {
        if (lineStarted) {
            out.write(',');
        }
        lineStarted = true;
        if (value == null) {
            return;
        }
        if (value.isEmpty() || needsQuotes(value)) {
            out.write('"');
            out.write(value.replace("\"", "\"\""));
            out.write('"');
        } else {
            out.write(value);
        }
    }

    /** Ends the current record. */
    void endRecord() throws IOException {
        out.write("\r\n");
        lineStarted = false;
    }

    private static boolean needsQuotes(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '"' || c == '\r' || c == '\n') {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
