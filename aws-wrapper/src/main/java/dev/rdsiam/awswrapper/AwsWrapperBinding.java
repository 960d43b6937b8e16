package dev.rdsiam.awswrapper;

import dev.rdsiam.awswrapper.internal.WrapperFront;
import dev.rdsiam.spi.Connector;
import dev.rdsiam.spi.ConnectorContext;
import dev.rdsiam.spi.Logins;
import dev.rdsiam.spi.WrapperBinding;
import dev.rdsiam.spi.WrapperConnector;

/**
 * The {@link WrapperBinding} of the AWS Advanced JDBC Wrapper (4.3 or later): registered in
 * {@code META-INF/services}, used by a DataSource whose configuration sets {@code rdsiam.wrapperPlugins}.
 */
public final class AwsWrapperBinding implements WrapperBinding {

    /** Called by {@link java.util.ServiceLoader}. */
    public AwsWrapperBinding() {
    }

    /**
     * Creates the wrapper front of one DataSource: a configuration profile of the wrapper with the requested plugins
     * and this library's plugin in place of the wrapper's {@code iam} plugin.
     *
     * @throws IllegalStateException when the AWS Advanced JDBC Wrapper is not on the class path (naming the artifact)
     */
    @Override
    public WrapperConnector connector(ConnectorContext context, Connector engine, Logins logins) {
        try {
            Class.forName("software.amazon.jdbc.Driver", false, AwsWrapperBinding.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("rdsiam.wrapperPlugins is set, but the AWS Advanced JDBC Wrapper is not "
                    + "on the class path: add software.amazon.jdbc:aws-advanced-jdbc-wrapper (4.3.0, which "
                    + "dev.rdsiam:rdsiam-aws-wrapper depends on; was it excluded?)", e);
        }
        return new WrapperFront(context, engine, logins);
    }
}
