package dev.rdsiam.spi;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The front of a DataSource whose connections go through a wrapping driver (the AWS Advanced JDBC Wrapper, with
 * {@code rdsiam.wrapperPlugins}): the wrapper decides which endpoint each physical connection goes to and calls back
 * {@link Logins#login} for each. Created once per DataSource by {@link WrapperBinding#connector}.
 */
public interface WrapperConnector extends AutoCloseable {

    /**
     * Opens one logical connection as {@code user}.
     *
     * @param user the database user
     */
    Connection connect(String user) throws SQLException;

    /** Releases what the front holds (the wrapper's profile; its monitor threads when this was the last user). */
    @Override
    void close();
}
