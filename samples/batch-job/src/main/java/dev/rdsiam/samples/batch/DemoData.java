package dev.rdsiam.samples.batch;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The offline demo: table {@code orders} with {@value #ROWS} rows (notes with commas, quotes, line breaks, empty
 * strings and NULLs, to exercise the CSV) and an empty {@code orders_import} of the same shape, created through the
 * job's own IAM DataSource. Offline only: it drops and recreates both tables.
 */
final class DemoData {

    /** Rows in {@code orders}. */
    static final int ROWS = 25_000;

    private DemoData() {
    }

    static void create(DataSource ds, PrintStream err) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("drop table if exists orders_import");
            s.execute("drop table if exists orders");
            s.execute("create table orders ("
                    + "id bigint primary key, "
                    + "customer text not null, "
                    + "amount numeric(12,2) not null, "
                    + "note text, "
                    + "ordered_at timestamptz not null)");
            s.executeUpdate("insert into orders "
                    + "select g, 'customer-' || (g % 97), round(((g * 7.31) % 1000)::numeric, 2), "
                    + "case g % 5 when 0 then 'gift, wrapped \"nicely\"' when 1 then null "
                    + "when 2 then E'two\\nlines' when 3 then '' else 'plain' end, "
                    + "timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute' "
                    + "from generate_series(1, " + ROWS + ") g");
            s.execute("create table orders_import (like orders including all)");
        }
        err.println("Demo data: table orders (" + ROWS + " rows) and an empty table orders_import.");
    }
}
